import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  Condition,
  DocumentWrite,
  Filter,
  FindOptions,
  IndexSpec,
  indexedFields,
  ProjectionCheckpoint,
  ReadStore,
  Scalar,
} from '../read-store.port';

export interface SqliteReadStoreOptions {
  readonly path: string;
  /** NORMAL is enough: a read model lost on power loss is rebuilt from the events. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /**
   * For a rebuild into a fresh file that replaces the live one only once complete: no journal and no
   * fsync while loading (a crash leaves only a discarded file); `close()` turns WAL on for normal use.
   * Tables are created without their unique index on ids, which is built once loaded (`ensureIndexes`,
   * `close`) or when something first needs it: writes that carry a row number (`DocumentWrite.row`) go
   * by row, so a load in no particular id order never updates a B-tree of ids (3-4x faster).
   */
  readonly bulkLoad?: boolean;
  readonly now?: () => Date;
}

/**
 * SQLite's page cache: 64 MB for normal use (queries by index, batches of rewrites); 8 MB for a bulk load,
 * which writes each page about once (on a rebuild of 943,337 events writing took 3.0 s instead of 3.6 s,
 * and peak memory was ~50 MB lower); 2 MB while building indexes (see ensureIndexes). docs/performance.md.
 */
const CACHE_KB = 64 * 1024;
const BULK_LOAD_CACHE_KB = 8 * 1024;
const INDEX_BUILD_CACHE_KB = 2 * 1024;

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Each collection is its own table, so that its expression indexes are the planner's only good choice. */
function tableOf(collection: string): string {
  if (!NAME.test(collection)) throw new RangeError(`invalid collection name "${collection}"`);
  return `"docs_${collection}"`;
}

/** The table of a collection's documents when they are kept apart from its ids and columns (`Layout`). */
function bodiesOf(collection: string): string {
  if (!NAME.test(collection)) throw new RangeError(`invalid collection name "${collection}"`);
  return `"bodies_${collection}"`;
}

/**
 * Where a collection keeps its documents. `apart`: the collection's table holds the id and the indexed
 * columns, and a second table the JSON documents under the same row ids, so that the table the indexes
 * are built from and kept on is narrow (a rebuild's eleven ticket indexes scanned 265 MB of documents, one
 * scan each; docs/performance.md, eleventh session). `inline`: the documents are in the same rows, which
 * a covering index needs (it holds the document) and which stores from earlier versions have.
 */
type Layout = 'apart' | 'inline';

function checkedField(field: string): string {
  if (!FIELD.test(field)) throw new RangeError(`invalid field name "${field}"`);
  return field;
}

function setPath(target: Record<string, unknown>, field: string, value: unknown): void {
  const keys = field.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function fieldExpression(field: string): string {
  if (field === 'id') return 'id';
  if (!FIELD.test(field)) throw new RangeError(`invalid field name "${field}"`);
  return `json_extract(doc, '$.${field}')`;
}

/** The value of a (dotted) field of a document, as SQLite stores it: booleans as 0/1, absent as NULL. */
function columnValue(doc: object, field: string): unknown {
  let value: unknown = doc;
  // A top-level field (every indexed field so far) without splitting its name: a rebuild asks ~1,000,000 times.
  if (!field.includes('.')) value = (doc as Record<string, unknown>)[field];
  else
    for (const key of field.split('.'))
      value =
        value === null || typeof value !== 'object' ? undefined : (value as Record<string, unknown>)[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'object' ? JSON.stringify(value) : value;
}

/**
 * A document write serialized ahead of the commit (for instance in a rebuild's worker thread): the JSON and
 * the values of the fields the store keeps as columns, so that the writing thread only writes.
 */
export interface PreparedWrite {
  readonly collection: string;
  readonly id: string;
  /** The document as JSON, or null to delete it. */
  readonly json: string | null;
  /** The value of each column field, as `columnValue` gives it. */
  readonly columns: Readonly<Record<string, unknown>>;
  /** The bulk load's row number of the document (`DocumentWrite.row`), if it has one. */
  readonly row?: number;
}

/** Serializes a write for `writePrepared`, with the column values of `fields` (the collection's indexed fields). */
export function prepareWrite(write: DocumentWrite, fields: readonly string[]): PreparedWrite {
  const columns: Record<string, unknown> = {};
  if (write.doc !== null) for (const field of fields) columns[field] = columnValue(write.doc, field);
  return {
    collection: write.collection,
    id: write.id,
    json: write.doc === null ? null : JSON.stringify(write.doc),
    columns,
    // Always present (undefined without a row number): one shape, not a hidden class per write.
    row: write.row,
  };
}

/** SQLite stores booleans from JSON as 0/1: compare them the same way. */
const sqlValue = (value: Scalar) => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

/** A write's values of the columns `fields`, in that order. */
function columnValues(write: PreparedWrite, fields: readonly string[]): unknown[] {
  return fields.map((field) => {
    if (!(field in write.columns)) throw new RangeError(`${write.collection}: no value for column ${field}`);
    return write.columns[field];
  });
}

/** Whether the filter bounds a field other than `sortField` on both sides (a window: from and to). */
function windowedOtherThan(filter: Filter | undefined, sortField: string): boolean {
  return Object.entries(filter ?? {}).some(([field, condition]) => {
    if (field === sortField || typeof condition !== 'object' || condition === null) return false;
    const bounds = condition as Record<string, unknown>;
    const lower = bounds.$gt !== undefined || bounds.$gte !== undefined;
    const upper = bounds.$lt !== undefined || bounds.$lte !== undefined;
    return lower && upper;
  });
}

/** How often an open store refreshes the query planner's statistics (see SqliteReadStore.optimize). */
const OPTIMIZE_INTERVAL_MS = 60 * 60 * 1000;

/** Column names after the fixed ones of an INSERT, and their parameters. */
const listed = (columns: readonly string[]) => columns.map((column) => `, ${column}`).join('');
const placeholders = (columns: readonly string[]) => columns.map(() => ', ?').join('');

/**
 * How a collection's documents are written by id: `find` reads a row's id and columns (in the order of
 * `fields`); a new document is inserted with its column values, a stored one (by row id) updated with the
 * columns `changed` (by index).
 */
interface Upsert {
  readonly fields: string[];
  readonly find: Database.Statement<[string], unknown[]>;
  insert(id: string, json: string, values: readonly unknown[]): void;
  update(rowid: unknown, json: string, changed: readonly number[], values: readonly unknown[]): void;
}

/** A bulk load's write of a collection's documents by row number, and the fields its columns take. */
interface RowWrite {
  readonly fields: string[];
  write(row: number, id: string, json: string, values: readonly unknown[]): void;
}

interface CheckpointRow {
  projection: string;
  position: number;
  status: 'running' | 'stopped';
  error: string | null;
  updated_at: string;
}

/**
 * The embedded read store: each collection is a SQLite table of JSON documents, queried through
 * expression indexes on the fields each read model declares.
 */
export class SqliteReadStore implements ReadStore {
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly bulkLoad: boolean;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(options: SqliteReadStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    // Large pages for new files: documents are a few KB each, and index builds and range scans read fewer pages.
    this.db.pragma('page_size = 16384');
    this.bulkLoad = options.bulkLoad ?? false;
    if (this.bulkLoad) this.journalOff();
    else this.db.pragma('journal_mode = WAL');
    this.db.pragma(this.bulkLoad ? 'synchronous = OFF' : `synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma(`cache_size = -${this.cacheKb()}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS checkpoints (
        projection TEXT PRIMARY KEY,
        position   INTEGER NOT NULL,
        status     TEXT NOT NULL,
        error      TEXT,
        updated_at TEXT NOT NULL
      );
    `);
    this.now = options.now ?? (() => new Date());
    // A store on a file keeps statistics for its query planner (see optimize): on opening, every table that
    // has none or has grown or shrunk tenfold since is analyzed, then hourly, after new indexes, and before
    // closing. A bulk load leaves them to the connections that use its file, and an in-memory store (a
    // recomputation, thrown away after one query) would only analyze what it is about to drop.
    this.keepsStatistics = !this.bulkLoad && options.path !== ':memory:';
    if (this.keepsStatistics) {
      this.optimize();
      this.optimizer = setInterval(() => this.optimize(), OPTIMIZE_INTERVAL_MS);
      this.optimizer.unref();
    }
  }

  private readonly keepsStatistics: boolean;

  /**
   * No rollback journal for a bulk load. better-sqlite3 opens every connection in SQLite's defensive mode,
   * which refuses `journal_mode = OFF` without an error (the pragma answers the mode kept): until the
   * twelfth session every rebuild ran with a journal file written and deleted at each of its ~1,000 commits
   * (docs/performance.md). Defensive mode is lifted for this one pragma, and the mode checked.
   */
  private journalOff(): void {
    this.db.unsafeMode(true);
    try {
      this.db.pragma('journal_mode = OFF');
    } finally {
      this.db.unsafeMode(false);
    }
    const mode = this.db.pragma('journal_mode', { simple: true }) as string;
    if (mode === 'off') return;
    // Thrown from the constructor: nothing else would ever close this connection.
    this.db.close();
    throw new Error(`a bulk load needs journal_mode off; SQLite kept ${mode}`);
  }
  private optimizer: NodeJS.Timeout | null = null;

  /**
   * SQLite's \`PRAGMA optimize\`, which keeps the statistics its query planner reads (\`ANALYZE\`) up to date.
   * Without them the planner takes an index on an equal field over one in the sort's order whatever the
   * counts: a page of closed tickets by last event sorted all 75,000 of them (280 ms at 150,000 tickets)
   * instead of walking the last-event index (0.2 ms). Always with 0x10002 (every table checked, analyzed
   * whole): the plain pragma analyzes under a row limit, which
   * counted a column of five values, 6,000 rows each, at 2,001 rows a value: misleading. Nothing to do costs ~0.02 ms. A busy database is left for
   * the next run: statistics are no data, and a read model is never wrong without them, only slower.
   */
  private optimize(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('optimize = 0x10002');
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    }
  }

  /** This connection's page cache (see CACHE_KB). */
  private cacheKb(): number {
    return this.bulkLoad ? BULK_LOAD_CACHE_KB : CACHE_KB;
  }

  /** Per collection: the fields kept as real columns (those its indexes name), by column name. */
  private readonly columns = new Map<string, Map<string, string>>();
  /** Per collection: where its documents are kept (see Layout). */
  private readonly layouts = new Map<string, Layout>();
  /** Collections declared with a covering index before their tables exist: created inline. */
  private readonly coveredCollections = new Set<string>();

  /** The table of a collection, created on first use. */
  private table(collection: string): string {
    const table = tableOf(collection);
    if (!this.columns.has(collection)) {
      const exists = this.db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(table.slice(1, -1));
      if (!exists) {
        // Rowid tables: documents are large rows, which WITHOUT ROWID tables store poorly. A bulk load
        // builds the unique index on ids once loaded (`idIndex`).
        const id = this.bulkLoad ? 'id TEXT NOT NULL' : 'id TEXT NOT NULL UNIQUE';
        if (this.coveredCollections.has(collection))
          this.db.exec(`CREATE TABLE ${table} (${id}, doc TEXT NOT NULL)`);
        else {
          this.db.exec(`CREATE TABLE ${table} (${id})`);
          this.db.exec(`CREATE TABLE IF NOT EXISTS ${bodiesOf(collection)} (doc TEXT NOT NULL)`);
        }
        if (this.bulkLoad) this.withoutIdIndex.add(collection);
      }
      const names = (this.db.pragma(`table_info(${table})`) as Array<{ name: string }>).map(
        (column) => column.name,
      );
      this.layouts.set(collection, names.includes('doc') ? 'inline' : 'apart');
      const existing = names.filter((name) => name.startsWith('f_'));
      this.columns.set(
        collection,
        new Map(existing.map((column) => [column.slice(2).replace(/__/g, '.'), `"${column}"`])),
      );
    }
    return table;
  }

  /** Whether a collection keeps its documents apart from its ids and columns (see Layout). */
  private apart(collection: string): boolean {
    this.table(collection);
    return this.layouts.get(collection) === 'apart';
  }

  /**
   * What a query of a collection's documents reads from: its table, joined to its documents' table when
   * they are kept apart (so that `doc` names the document either way; a row id must be the table's). A
   * CROSS JOIN, which SQLite never reorders: rows are found in the table (by its indexes), then their
   * documents by row id.
   */
  private withDocs(collection: string): string {
    const table = this.table(collection);
    if (!this.apart(collection)) return table;
    const bodies = bodiesOf(collection);
    return `${table} CROSS JOIN ${bodies} ON ${bodies}.rowid = ${table}.rowid`;
  }

  /** Collections created by a bulk load whose unique index on ids is not built yet. */
  private readonly withoutIdIndex = new Set<string>();

  /** The unique index on ids of a table a bulk load created; by-id reads and upserts need it. */
  private idIndex(collection: string, table: string): void {
    if (!this.withoutIdIndex.has(collection)) return;
    const name = `ux_${collection}_id`.replace(/[^A-Za-z0-9_]/g, '_');
    // Fails if two rows have one id: a bulk load that wrote a document twice is an error, not a merge.
    this.db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${name} ON ${table} (id)`);
    this.withoutIdIndex.delete(collection);
  }

  private readonly upserts = new Map<string, Upsert>();
  private readonly rowWrites = new Map<string, RowWrite>();

  /**
   * A collection's write by id (see Upsert): the row's columns are read first, and an update assigns only
   * the columns whose values change, since SQLite rewrites the entry of every index on an assigned column
   * even when its value stays the same (each in a page of its own, written to the WAL at the commit).
   */
  private upsertOf(collection: string, table: string): Upsert {
    this.idIndex(collection, table);
    let upsert = this.upserts.get(collection);
    if (!upsert) {
      const columns = [...(this.columns.get(collection) ?? new Map<string, string>())];
      const names = columns.map(([, column]) => column);
      const apart = this.apart(collection);
      const updates = new Map<string, Database.Statement>();
      /** The update of a row's columns `changed` (by index), and of its document when it is inline. */
      const updateOf = (changed: readonly number[]) => {
        const key = changed.join(',');
        let statement = updates.get(key);
        if (!statement) {
          const assigned = changed.map((index) => `${names[index]} = ?`);
          if (!apart) assigned.unshift('doc = ?');
          statement = this.db.prepare(`UPDATE ${table} SET ${assigned.join(', ')} WHERE rowid = ?`);
          updates.set(key, statement);
        }
        return statement;
      };
      const fields = columns.map(([field]) => field);
      const find = this.db
        .prepare(`SELECT rowid${listed(names)} FROM ${table} WHERE id = ?`)
        .raw() as Database.Statement<[string], unknown[]>;
      if (apart) {
        // Kept apart, a document is written to its own table under its row's id, and its row only when a
        // column changes.
        const bodies = bodiesOf(collection);
        const insertRow = this.db.prepare(
          `INSERT INTO ${table} (id${listed(names)}) VALUES (?${placeholders(names)})`,
        );
        const insertBody = this.db.prepare(`INSERT INTO ${bodies} (rowid, doc) VALUES (?, ?)`);
        const updateBody = this.db.prepare(`UPDATE ${bodies} SET doc = ? WHERE rowid = ?`);
        upsert = {
          fields,
          find,
          insert: (id, json, values) => insertBody.run(insertRow.run(id, ...values).lastInsertRowid, json),
          update: (rowid, json, changed, values) => {
            if (changed.length > 0) updateOf(changed).run(...changed.map((index) => values[index]), rowid);
            updateBody.run(json, rowid);
          },
        };
      } else {
        const insert = this.db.prepare(
          `INSERT INTO ${table} (id, doc${listed(names)}) VALUES (?, ?${placeholders(names)})`,
        );
        upsert = {
          fields,
          find,
          insert: (id, json, values) => insert.run(id, json, ...values),
          update: (rowid, json, changed, values) =>
            updateOf(changed).run(json, ...changed.map((index) => values[index]), rowid),
        };
      }
      this.upserts.set(collection, upsert);
    }
    return upsert;
  }

  /** A bulk load's write of a document by its row number: no lookup by id, no index on ids to update. */
  private rowWriteOf(collection: string, table: string): RowWrite {
    let write = this.rowWrites.get(collection);
    if (!write) {
      const columns = [...(this.columns.get(collection) ?? new Map<string, string>())];
      const names = columns.map(([, column]) => column);
      const fields = columns.map(([field]) => field);
      if (this.apart(collection)) {
        const row = this.db.prepare(
          `INSERT OR REPLACE INTO ${table} (rowid, id${listed(names)}) VALUES (?, ?${placeholders(names)})`,
        );
        const body = this.db.prepare(
          `INSERT OR REPLACE INTO ${bodiesOf(collection)} (rowid, doc) VALUES (?, ?)`,
        );
        write = {
          fields,
          write: (rowid, id, json, values) => {
            row.run(rowid, id, ...values);
            body.run(rowid, json);
          },
        };
      } else {
        const row = this.db.prepare(
          `INSERT OR REPLACE INTO ${table} (rowid, id, doc${listed(names)}) VALUES (?, ?, ?${placeholders(names)})`,
        );
        write = { fields, write: (rowid, id, json, values) => row.run(rowid, id, json, ...values) };
      }
      this.rowWrites.set(collection, write);
    }
    return write;
  }

  /** Whether a query on `field` reads the document (it is neither the id nor a column). */
  private readsDocument(collection: string, field: string): boolean {
    return field !== 'id' && !this.columns.get(collection)?.has(field);
  }

  /**
   * What a query filtering or sorting on `fields` finds its rows in: the collection's table, joined to its
   * documents when one of the fields is not a column.
   */
  private rowsFor(collection: string, fields: readonly string[]): string {
    return fields.some((field) => this.readsDocument(collection, field))
      ? this.withDocs(collection)
      : this.table(collection);
  }

  /** A declared field reads its column; any other field is extracted from the JSON document. */
  private fieldExpression(collection: string, field: string): string {
    return this.columns.get(collection)?.get(field) ?? fieldExpression(field);
  }

  private readonly plucked = new Map<string, Database.Statement>();

  /** A statement that returns its first column's values instead of row objects. */
  private pluckedStatement(sql: string): Database.Statement {
    let statement = this.plucked.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).pluck();
      this.plucked.set(sql, statement);
    }
    return statement;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async commit(projection: string, writes: readonly DocumentWrite[], position: bigint): Promise<void> {
    this.writeInTransaction(
      writes.map((write) => prepareWrite(write, this.columnFields(write.collection))),
      { projection, position },
    );
  }

  /**
   * Writes documents serialized elsewhere (`prepareWrite`), without moving any checkpoint: for loading a
   * fresh store whose checkpoint is set once it is complete (`commit(projection, [], position)`).
   */
  writePrepared(writes: readonly PreparedWrite[]): void {
    this.writeInTransaction(writes, null);
  }

  /** The fields a collection keeps as columns. */
  private columnFields(collection: string): string[] {
    // The column list, kept once per collection (not an array per written document). Both statements list
    // the same fields; a bulk load asks the one by row, whose preparing builds no index on ids.
    const table = this.table(collection);
    return (this.bulkLoad ? this.rowWriteOf(collection, table) : this.upsertOf(collection, table)).fields;
  }

  private writeInTransaction(
    writes: readonly PreparedWrite[],
    checkpoint: { readonly projection: string; readonly position: bigint } | null,
  ): void {
    const moveCheckpoint = this.statement(
      `INSERT INTO checkpoints (projection, position, status, error, updated_at) VALUES (?, ?, 'running', NULL, ?)
       ON CONFLICT (projection) DO UPDATE SET position = excluded.position, status = 'running', error = NULL, updated_at = excluded.updated_at`,
    );
    const tables = new Map(writes.map((write) => [write.collection, this.table(write.collection)]));
    this.db.transaction(() => {
      for (const write of writes) {
        const table = tables.get(write.collection) as string;
        // A bulk load's rows stay where their numbers say even once the id index exists (a read may build
        // it early), so that reading them back by row never finds another document.
        const byRow = write.row !== undefined && this.bulkLoad;
        if (write.json === null) {
          this.remove(write.collection, table, byRow ? { rowid: write.row as number } : { id: write.id });
          continue;
        }
        // Indexed fields are copied into their columns here, so SQLite never parses the JSON on write.
        if (byRow) {
          const rowWrite = this.rowWriteOf(write.collection, table);
          rowWrite.write(write.row as number, write.id, write.json, columnValues(write, rowWrite.fields));
          continue;
        }
        const upsert = this.upsertOf(write.collection, table);
        const values = columnValues(write, upsert.fields);
        const stored = upsert.find.get(write.id);
        if (stored === undefined) {
          upsert.insert(write.id, write.json, values);
          continue;
        }
        // stored[0] is the row id, then the columns in the order of `fields`.
        const changed: number[] = [];
        for (let index = 0; index < values.length; index++)
          if (stored[index + 1] !== values[index]) changed.push(index);
        upsert.update(stored[0], write.json, changed, values);
      }
      if (checkpoint)
        moveCheckpoint.run(checkpoint.projection, Number(checkpoint.position), this.now().toISOString());
    })();
  }

  /** Deletes a document (if stored) by its row id or its id, with its kept-apart JSON. */
  private remove(collection: string, table: string, key: { rowid: number } | { id: string }): void {
    const [column, value] = 'rowid' in key ? ['rowid', key.rowid] : ['id', key.id];
    if (this.apart(collection))
      this.statement(
        `DELETE FROM ${bodiesOf(collection)} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} = ?)`,
      ).run(value);
    this.statement(`DELETE FROM ${table} WHERE ${column} = ?`).run(value);
  }

  async checkpoint(projection: string): Promise<ProjectionCheckpoint | null> {
    const row = this.statement('SELECT * FROM checkpoints WHERE projection = ?').get(projection) as
      CheckpointRow | undefined;
    if (!row) return null;
    return {
      projection: row.projection,
      position: BigInt(row.position),
      status: row.status,
      error: row.error,
      updatedAt: row.updated_at,
    };
  }

  async markStopped(projection: string, error: string): Promise<void> {
    this.statement(
      `INSERT INTO checkpoints (projection, position, status, error, updated_at) VALUES (?, 0, 'stopped', ?, ?)
       ON CONFLICT (projection) DO UPDATE SET status = 'stopped', error = excluded.error, updated_at = excluded.updated_at`,
    ).run(projection, error, this.now().toISOString());
  }

  /** Documents a bulk load wrote with row numbers (`DocumentWrite.row`), by row number. */
  getRows<T extends object>(collection: string, rows: readonly number[]): Map<number, T> {
    if (!this.bulkLoad) throw new Error('getRows reads back what a bulk load wrote by row number');
    // Kept apart, the documents' own table has them under the same row ids.
    const source = this.apart(collection) ? bodiesOf(collection) : this.table(collection);
    return this.docsByKey<number, T>(source, 'rowid', rows);
  }

  /**
   * The documents whose `key` (id or rowid) is one of `keys`, parsed, by key; in chunks of 500 keys.
   * `source`: what names both the key and `doc` (a table, or a table joined to its documents).
   */
  private docsByKey<K extends string | number, T>(
    source: string,
    key: 'id' | 'rowid',
    keys: readonly K[],
  ): Map<K, T> {
    const found = new Map<K, T>();
    const chunk = 500;
    for (let i = 0; i < keys.length; i += chunk) {
      const slice = keys.slice(i, i + chunk);
      const rows = this.statement(
        `SELECT ${key}, doc FROM ${source} WHERE ${key} IN (${slice.map(() => '?').join(',')})`,
      )
        .raw()
        .all(...slice) as Array<[K, string]>;
      for (const [at, doc] of rows) found.set(at, JSON.parse(doc) as T);
    }
    return found;
  }

  /** The table of a collection, with its unique index on ids (built now if a bulk load left it out). */
  private indexedTable(collection: string): string {
    const table = this.table(collection);
    this.idIndex(collection, table);
    return table;
  }

  async get<T extends object>(collection: string, id: string): Promise<T | null> {
    this.indexedTable(collection);
    const row = this.statement(`SELECT doc FROM ${this.withDocs(collection)} WHERE id = ?`).get(id) as
      { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : null;
  }

  async getMany<T extends object>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    this.indexedTable(collection);
    return this.docsByKey<string, T>(this.withDocs(collection), 'id', ids);
  }

  private where(collection: string, filter: Filter = {}): { clauses: string[]; params: unknown[] } {
    const clauses = ['1'];
    const params: unknown[] = [];
    for (const [field, condition] of Object.entries(filter)) {
      const expression = this.fieldExpression(collection, field);
      this.condition(expression, condition, clauses, params);
    }
    return { clauses, params };
  }

  private condition(expression: string, condition: Condition, clauses: string[], params: unknown[]): void {
    if (typeof condition !== 'object') {
      clauses.push(`${expression} = ?`);
      params.push(sqlValue(condition));
      return;
    }
    if ('$in' in condition) {
      if (condition.$in.length === 0) clauses.push('0');
      else {
        clauses.push(`${expression} IN (${condition.$in.map(() => '?').join(',')})`);
        params.push(...condition.$in.map(sqlValue));
      }
      return;
    }
    if ('$nullOrGt' in condition) {
      clauses.push(`(${expression} IS NULL OR ${expression} > ?)`);
      params.push(sqlValue(condition.$nullOrGt));
      return;
    }
    if ('$isNull' in condition) {
      clauses.push(condition.$isNull ? `${expression} IS NULL` : `${expression} IS NOT NULL`);
      return;
    }
    const operators: Array<[keyof typeof condition, string]> = [
      ['$gt', '>'],
      ['$gte', '>='],
      ['$lt', '<'],
      ['$lte', '<='],
    ];
    for (const [key, operator] of operators) {
      const value = condition[key];
      if (value !== undefined) {
        clauses.push(`${expression} ${operator} ?`);
        params.push(sqlValue(value));
      }
    }
  }

  async find<T extends object>(collection: string, options: FindOptions = {}): Promise<T[]> {
    const table = this.indexedTable(collection);
    const { clauses, params } = this.where(collection, options.filter);
    let order = '';
    let pageOrder: string | null = null;
    if (options.sort) {
      const expression = this.fieldExpression(collection, options.sort.field);
      const direction = options.sort.direction === 'desc' ? 'DESC' : 'ASC';
      const beyond = options.sort.direction === 'desc' ? '<' : '>';
      if (options.after) {
        // Keyset pagination over (sort value, id); NULL sort values come first in ascending order.
        const { value, id } = options.after;
        if (value === null) {
          clauses.push(
            options.sort.direction === 'desc'
              ? `(${expression} IS NULL AND id < ?)`
              : `((${expression} IS NULL AND id > ?) OR ${expression} IS NOT NULL)`,
          );
          params.push(id);
        } else {
          clauses.push(
            options.sort.direction === 'desc'
              ? `(${expression} ${beyond} ? OR (${expression} = ? AND id < ?) OR ${expression} IS NULL)`
              : `(${expression} ${beyond} ? OR (${expression} = ? AND id > ?))`,
          );
          params.push(sqlValue(value), sqlValue(value), id);
        }
      }
      order = ` ORDER BY ${expression} ${direction}, id ${direction}`;
      // A window of another field (bounded on both sides) is read through that field's index and sorted:
      // the unary + keeps SQLite from walking the sort's index instead, which its statistics favour for some
      // values whatever the correlation (a customer's month of resolutions sorted by logging walked back
      // from the newest ticket to the month: 14-69 ms instead of 1-2 ms; docs/performance.md, tenth session).
      if (windowedOtherThan(options.filter, options.sort.field))
        pageOrder = ` ORDER BY +${expression} ${direction}, id ${direction}`;
    } else if (options.after) {
      clauses.push('id > ?');
      params.push(options.after.id);
      order = ' ORDER BY id';
    }
    const limit = options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : '';
    // A sorted page is chosen by row id first and its documents read after (a "deferred join"): when no
    // index gives the order, SQLite sorts every matching row, and with the documents in those rows it
    // copies each one through its sorter. Sorting row ids took a month of resolved tickets sorted by logging
    // 16 ms -> 7 ms, every ticket by priority 110 ms -> 6 ms (docs/performance.md, tenth session).
    // Documents kept apart are joined where a query reads them: the page's, and every matching one when a
    // filter or the sort names a field that is not a column.
    const matches = this.rowsFor(collection, [
      ...Object.keys(options.filter ?? {}),
      ...(options.sort ? [options.sort.field] : []),
    ]);
    // The page's own query reads documents to return them (unless only ids are asked for) or to sort by a
    // field that is not a column.
    const readsDocs =
      !options.fields ||
      options.fields.some((field) => field !== 'id') ||
      (options.sort !== undefined && this.readsDocument(collection, options.sort.field));
    const from = readsDocs ? this.withDocs(collection) : table;
    const source =
      order && limit
        ? `${from} WHERE ${table}.rowid IN (SELECT ${table}.rowid FROM ${matches} WHERE ${clauses.join(' AND ')}${pageOrder ?? order}${limit})${order}`
        : `${readsDocs ? from : matches} WHERE ${clauses.join(' AND ')}${order}${limit}`;
    if (options.fields) {
      // Only the fields asked for: SQLite extracts them (as JSON text) so that JS never parses whole documents.
      const fields = options.fields;
      const selected = fields.map(
        (field, index) =>
          `${field === 'id' ? 'json_quote(id)' : `doc -> '$.${checkedField(field)}'`} AS f${index}`,
      );
      const rows = this.statement(`SELECT ${selected.join(', ')} FROM ${source}`).all(...params) as Array<
        Record<string, string | null>
      >;
      return rows.map((row) => {
        const partial: Record<string, unknown> = {};
        fields.forEach((field, index) => {
          const text = row[`f${index}`];
          if (text !== null && text !== undefined) setPath(partial, field, JSON.parse(text));
        });
        return partial as T;
      });
    }
    // The documents as plain strings (no row object per document): reports read thousands of them.
    const docs = this.pluckedStatement(`SELECT doc FROM ${source}`).all(...params) as string[];
    return docs.map((doc) => JSON.parse(doc) as T);
  }

  async count(collection: string, filter: Filter = {}): Promise<number> {
    this.indexedTable(collection);
    const { clauses, params } = this.where(collection, filter);
    const source = this.rowsFor(collection, Object.keys(filter));
    const row = this.statement(`SELECT COUNT(*) AS n FROM ${source} WHERE ${clauses.join(' AND ')}`).get(
      ...params,
    ) as {
      n: number;
    };
    return row.n;
  }

  async reset(projection: string, collections: readonly string[]): Promise<void> {
    // Dropping the tables drops their indexes too: a rebuild loads first and indexes at the end.
    this.db.transaction(() => {
      for (const collection of collections) {
        this.db.exec(`DROP TABLE IF EXISTS ${tableOf(collection)}`);
        this.db.exec(`DROP TABLE IF EXISTS ${bodiesOf(collection)}`);
        this.columns.delete(collection);
        this.layouts.delete(collection);
        this.upserts.delete(collection);
        this.rowWrites.delete(collection);
        this.withoutIdIndex.delete(collection);
      }
      this.statement('DELETE FROM checkpoints WHERE projection = ?').run(projection);
    })();
    // Statements that named the dropped tables are prepared again when next used.
    this.statements.clear();
    this.plucked.clear();
  }

  async prepareIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    // A covering index holds the document: a new collection that will have one keeps its documents inline.
    if (indexes.some((index) => index.covering)) this.coveredCollections.add(collection);
    const table = this.table(collection);
    if (indexes.some((index) => index.covering) && this.apart(collection))
      this.moveDocumentsInline(collection);
    const columns = this.columns.get(collection) as Map<string, string>;
    for (const field of indexedFields(indexes)) {
      if (columns.has(field) || field === 'id') continue;
      const column = `"f_${field.replace(/\./g, '__')}"`;
      // A new indexed field becomes a column, filled from the documents already there.
      this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column}`);
      const bodies = bodiesOf(collection);
      this.db.exec(
        this.apart(collection)
          ? `UPDATE ${table} SET ${column} = (SELECT ${fieldExpression(field)} FROM ${bodies} WHERE ${bodies}.rowid = ${table}.rowid)`
          : `UPDATE ${table} SET ${column} = ${fieldExpression(field)}`,
      );
      columns.set(field, column);
      this.forgetStatements(collection);
    }
  }

  /** Statements of a collection whose table changed, prepared again when next used. */
  private forgetStatements(collection: string): void {
    this.statements.clear();
    this.plucked.clear();
    this.upserts.delete(collection);
    this.rowWrites.delete(collection);
  }

  /**
   * A collection that kept its documents apart gets them back in its own rows, for a covering index
   * declared after its documents were written (each row rewritten once; declared first, none is).
   */
  private moveDocumentsInline(collection: string): void {
    const table = this.table(collection);
    const bodies = bodiesOf(collection);
    this.db.transaction(() => {
      this.db.exec(`ALTER TABLE ${table} ADD COLUMN doc TEXT`);
      this.db.exec(
        `UPDATE ${table} SET doc = (SELECT doc FROM ${bodies} WHERE ${bodies}.rowid = ${table}.rowid)`,
      );
      this.db.exec(`DROP TABLE ${bodies}`);
    })();
    this.layouts.set(collection, 'inline');
    this.forgetStatements(collection);
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    // Index builds get a small page cache, which is also the size of the runs SQLite's sorter sorts in
    // memory before merging them: runs that fit in the CPU's caches, and a table scan that does not churn
    // a large page cache, built the rebuild's indexes in 1.4-1.5 s instead of 2.2-2.3 s (docs/performance.md).
    this.db.pragma(`cache_size = -${INDEX_BUILD_CACHE_KB}`);
    try {
      await this.prepareIndexes(collection, indexes);
      const table = this.indexedTable(collection);
      for (const index of indexes) {
        // Its fields are columns (prepareIndexes): that is all a filter-only spec asks for.
        if (index.filterOnly) continue;
        const included = index.include ?? [];
        const name =
          `ix_${collection}_${[...index.fields, ...(included.length > 0 ? ['id', ...included] : [])].join('_')}${index.covering ? '_doc' : ''}`.replace(
            /[^A-Za-z0-9_]/g,
            '_',
          );
        const expressions = index.fields.map((field) => this.fieldExpression(collection, field));
        const indexed = [
          ...expressions,
          'id',
          ...included.map((field) => this.fieldExpression(collection, field)),
          ...(index.covering ? ['doc'] : []),
        ].join(', ');
        // A partial index: SQLite uses it for a query with a comparison on its first field (which no NULL
        // satisfies), and building it sorts only the documents that have a value (docs/performance.md).
        const partial = index.sparse ? ` WHERE ${expressions[0]} IS NOT NULL` : '';
        this.db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${indexed})${partial}`);
      }
      // A new index with no statistics while its table's others have some misleads the planner more than none.
      if (this.keepsStatistics) this.optimize();
    } finally {
      this.db.pragma(`cache_size = -${this.cacheKb()}`);
    }
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    if (this.optimizer) clearInterval(this.optimizer);
    try {
      // Every table leaves a bulk load with its unique index on ids, as normal use expects.
      for (const collection of [...this.withoutIdIndex]) this.idIndex(collection, tableOf(collection));
      if (this.bulkLoad) this.db.pragma('journal_mode = WAL');
      if (this.keepsStatistics) this.optimize();
    } finally {
      this.db.close();
    }
  }

  /** Closes a bulk load that failed, without finishing it: its file is to be deleted. */
  discard(): void {
    if (this.optimizer) clearInterval(this.optimizer);
    if (this.db.open) this.db.close();
  }
}
