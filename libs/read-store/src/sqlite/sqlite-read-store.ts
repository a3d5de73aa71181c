import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  Condition,
  DocumentWrite,
  Filter,
  FindOptions,
  IndexSpec,
  ProjectionCheckpoint,
  ReadStore,
  Scalar,
} from '../read-store.port';

export interface SqliteReadStoreOptions {
  readonly path: string;
  /** NORMAL is enough: a read model lost on power loss is rebuilt from the events. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  readonly now?: () => Date;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function collectionLiteral(collection: string): string {
  if (!NAME.test(collection)) throw new RangeError(`invalid collection name "${collection}"`);
  return `'${collection}'`;
}

function fieldExpression(field: string): string {
  if (field === 'id') return 'id';
  if (!FIELD.test(field)) throw new RangeError(`invalid field name "${field}"`);
  return `json_extract(doc, '$.${field}')`;
}

/** SQLite stores booleans from JSON as 0/1: compare them the same way. */
const sqlValue = (value: Scalar) => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

interface CheckpointRow {
  projection: string;
  position: number;
  status: 'running' | 'stopped';
  error: string | null;
  updated_at: string;
}

/**
 * The embedded read store: documents as JSON in one SQLite table, queried through expression indexes on
 * the fields each read model declares. Partial indexes per collection keep the indexes small; the
 * collection name is inlined (validated) so that the planner can use them.
 */
export class SqliteReadStore implements ReadStore {
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(options: SqliteReadStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS documents (
        collection TEXT NOT NULL,
        id         TEXT NOT NULL,
        doc        TEXT NOT NULL,
        PRIMARY KEY (collection, id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS checkpoints (
        projection TEXT PRIMARY KEY,
        position   INTEGER NOT NULL,
        status     TEXT NOT NULL,
        error      TEXT,
        updated_at TEXT NOT NULL
      );
    `);
    this.now = options.now ?? (() => new Date());
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
    const upsert = this.statement(
      'INSERT INTO documents (collection, id, doc) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc',
    );
    const remove = this.statement('DELETE FROM documents WHERE collection = ? AND id = ?');
    const checkpoint = this.statement(
      `INSERT INTO checkpoints (projection, position, status, error, updated_at) VALUES (?, ?, 'running', NULL, ?)
       ON CONFLICT (projection) DO UPDATE SET position = excluded.position, status = 'running', error = NULL, updated_at = excluded.updated_at`,
    );
    this.db.transaction(() => {
      for (const write of writes) {
        if (write.doc === null) remove.run(write.collection, write.id);
        else upsert.run(write.collection, write.id, JSON.stringify(write.doc));
      }
      checkpoint.run(projection, Number(position), this.now().toISOString());
    })();
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

  async get<T extends object>(collection: string, id: string): Promise<T | null> {
    const row = this.statement('SELECT doc FROM documents WHERE collection = ? AND id = ?').get(
      collection,
      id,
    ) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : null;
  }

  async getMany<T extends object>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    const chunk = 500;
    for (let i = 0; i < ids.length; i += chunk) {
      const slice = ids.slice(i, i + chunk);
      const rows = this.statement(
        `SELECT id, doc FROM documents WHERE collection = ? AND id IN (${slice.map(() => '?').join(',')})`,
      ).all(collection, ...slice) as Array<{ id: string; doc: string }>;
      for (const row of rows) found.set(row.id, JSON.parse(row.doc) as T);
    }
    return found;
  }

  private where(collection: string, filter: Filter = {}): { clauses: string[]; params: unknown[] } {
    const clauses = [`collection = ${collectionLiteral(collection)}`];
    const params: unknown[] = [];
    for (const [field, condition] of Object.entries(filter)) {
      const expression = fieldExpression(field);
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
    const { clauses, params } = this.where(collection, options.filter);
    let order = '';
    if (options.sort) {
      const expression = fieldExpression(options.sort.field);
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
    } else if (options.after) {
      clauses.push('id > ?');
      params.push(options.after.id);
      order = ' ORDER BY id';
    }
    const limit = options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : '';
    const rows = this.statement(
      `SELECT doc FROM documents WHERE ${clauses.join(' AND ')}${order}${limit}`,
    ).all(...params) as Array<{ doc: string }>;
    return rows.map((row) => JSON.parse(row.doc) as T);
  }

  async count(collection: string, filter: Filter = {}): Promise<number> {
    const { clauses, params } = this.where(collection, filter);
    const row = this.statement(`SELECT COUNT(*) AS n FROM documents WHERE ${clauses.join(' AND ')}`).get(
      ...params,
    ) as {
      n: number;
    };
    return row.n;
  }

  async reset(projection: string, collections: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      for (const collection of collections) {
        this.statement('DELETE FROM documents WHERE collection = ?').run(collection);
      }
      this.statement('DELETE FROM checkpoints WHERE projection = ?').run(projection);
    })();
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    const literal = collectionLiteral(collection);
    for (const index of indexes) {
      const name = `ix_${collection}_${index.fields.join('_')}`.replace(/[^A-Za-z0-9_]/g, '_');
      const columns = [...index.fields.map(fieldExpression), 'id'].join(', ');
      this.db.exec(
        `CREATE INDEX IF NOT EXISTS ${name} ON documents (${columns}) WHERE collection = ${literal}`,
      );
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
