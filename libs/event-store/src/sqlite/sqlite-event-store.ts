import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  AppendResult,
  EventMetadata,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  NewEvent,
  READ_ALL_PAGE,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { uuidV7 } from '../uuid-v7';
import { eventHash } from '../event-chain';

export interface SqliteEventStoreOptions {
  /** Database file; ':memory:' for tests that need no file. */
  readonly path: string;
  /**
   * FULL (default): every acknowledged append survives power loss (fsync per commit, shared by the
   * appends grouped into that commit). NORMAL: survives a process crash; the last commits may be lost
   * on power loss.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** How often a subscription looks for events appended by another process. */
  readonly pollIntervalMs?: number;
  /** The store's clock for recordedAt. */
  readonly now?: () => Date;
}

/** The columns every read selects, in this order; rows are read as arrays (no object per row). */
const EVENT_COLUMNS =
  'global_position, event_id, stream_id, stream_revision, type, schema_version, data, metadata, recorded_at, hash';

type EventRow = [
  globalPosition: number,
  eventId: string,
  streamId: string,
  streamRevision: number,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  recordedAt: string,
  hash: string | null,
];

interface FollowControl {
  stopped: boolean;
  wake: (() => void) | null;
}

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY,
  event_id        TEXT    NOT NULL UNIQUE,
  stream_id       TEXT    NOT NULL,
  stream_revision INTEGER NOT NULL,
  type            TEXT    NOT NULL,
  schema_version  INTEGER NOT NULL,
  data            TEXT    NOT NULL,
  metadata        TEXT    NOT NULL,
  recorded_at     TEXT    NOT NULL,
  hash            TEXT,
  UNIQUE (stream_id, stream_revision)
);
`;

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row[1],
    streamId: row[2],
    type: row[4],
    schemaVersion: row[5],
    data: JSON.parse(row[6]),
    metadata: JSON.parse(row[7]) as EventMetadata,
    streamRevision: row[3],
    globalPosition: BigInt(row[0]),
    recordedAt: row[8],
    hash: row[9],
  };
}

/**
 * Selects events by their envelope inside a query: those of the streams from `fromStream` (inclusive, ''
 * for the first) up to `toStream` (exclusive, null for the last), of `types` if given. Stream ids compare
 * as SQLite compares text (bytewise), which is JavaScript's order for ASCII bounds, so bounds must be ASCII.
 */
export interface EnvelopeClause {
  readonly fromStream: string;
  readonly toStream: string | null;
  readonly types?: readonly string[];
  /** The rows it matches are passed to the read's `keep`, which decides; otherwise they are read. */
  readonly ask?: boolean;
}

/** The longest start of `text` that is ASCII without NUL: a stream bound both orders agree on. */
export function asciiStart(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 1 || code > 0x7f) return text.slice(0, i);
  }
  return text;
}

/** The SQL of a disjunction of clauses, with its parameters in order. */
function envelopeCondition(clauses: readonly EnvelopeClause[]): { sql: string; parameters: string[] } {
  const parameters: string[] = [];
  // The clauses that do not ask come first: a row they match is never passed to `keep`.
  const ordered = [...clauses.filter((clause) => !clause.ask), ...clauses.filter((clause) => clause.ask)];
  const terms = ordered.map((clause) => {
    const conditions: string[] = [];
    for (const bound of [clause.fromStream, clause.toStream])
      if (bound !== null && asciiStart(bound) !== bound)
        throw new RangeError(`stream bound ${JSON.stringify(bound)} is not ASCII`);
    // `+stream_id`: a range scan in global order, never the stream index (which would need a sort).
    if (clause.fromStream !== '') {
      conditions.push('+stream_id >= ?');
      parameters.push(clause.fromStream);
    }
    if (clause.toStream !== null) {
      conditions.push('+stream_id < ?');
      parameters.push(clause.toStream);
    }
    if (clause.types) {
      conditions.push(`type IN (${clause.types.map(() => '?').join(', ') || 'NULL'})`);
      parameters.push(...clause.types);
    }
    if (clause.ask) conditions.push('keep_event(stream_id, type, event_id)');
    return `(${conditions.join(' AND ') || '1'})`;
  });
  return { sql: terms.length === 0 ? '0' : terms.join(' OR '), parameters };
}

/**
 * The embedded event store: one SQLite file in WAL mode.
 *
 * Group commit: appends issued in the same turn of the event loop are written in one transaction, each
 * inside its own savepoint, so they share one fsync while a failing append (a stale expected revision)
 * rolls back alone. The unique (stream_id, stream_revision) key makes it impossible for two appends to
 * take the same revision, also across processes sharing the file.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly now: () => Date;
  private readonly pollIntervalMs: number;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly statements: {
    last: Database.Statement<[string], { rev: number; hash: string | null }>;
    insert: Database.Statement<[string, string, number, string, number, string, string, string, string]>;
    readStream: Database.Statement<[string, number, number], EventRow>;
    readAll: Database.Statement<[number, number], EventRow>;
    head: Database.Statement<[], { head: number | null }>;
    dataVersion: Database.Statement<[], number>;
  };
  /**
   * Streams whose tail was read and found empty, with the revision from which nothing existed: reading
   * from there again needs no query while the file is unchanged (an agreement is read this way for every
   * logged ticket). This connection's appends drop their streams; a commit by any other connection (another
   * process, another thread) changes `PRAGMA data_version`, which forgets them all.
   */
  private readonly emptyTails = new Map<string, number>();
  private emptyTailsVersion = -1;

  constructor(options: SqliteEventStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // Stores created before tamper evidence get the column; their old events verify as "no hash".
    const columns = (this.db.pragma('table_info(events)') as Array<{ name: string }>).map(
      (column) => column.name,
    );
    if (!columns.includes('hash')) this.db.exec('ALTER TABLE events ADD COLUMN hash TEXT');
    this.now = options.now ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.appended.setMaxListeners(0);
    this.statements = {
      last: this.db.prepare(
        'SELECT stream_revision AS rev, hash FROM events WHERE stream_id = ? ORDER BY stream_revision DESC LIMIT 1',
      ),
      insert: this.db.prepare(
        `INSERT INTO events (event_id, stream_id, stream_revision, type, schema_version, data, metadata, recorded_at, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      readStream: this.db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND stream_revision >= ? ORDER BY stream_revision LIMIT ?`,
        )
        .raw(),
      readAll: this.db
        .prepare<[number, number], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`,
        )
        .raw(),
      head: this.db.prepare('SELECT MAX(global_position) AS head FROM events'),
      dataVersion: this.db.prepare<[], number>('PRAGMA data_version').pluck(),
    };
  }

  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('the event store is closed'));
    if (events.length === 0) return Promise.reject(new RangeError('nothing to append'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({
        streamId,
        events,
        expectedRevision: options.expectedRevision ?? 'any',
        resolve,
        reject,
      });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.flushScheduled = false;
    if (batch.length === 0 || this.closed) return;
    for (const append of batch) this.emptyTails.delete(append.streamId);
    const outcomes: Array<{ result?: AppendResult; error?: unknown }> = [];
    const appendOne = this.db.transaction((append: PendingAppend) => this.appendInTransaction(append));
    const commit = this.db.transaction(() => {
      for (const append of batch) {
        try {
          outcomes.push({ result: appendOne(append) });
        } catch (error) {
          outcomes.push({ error });
        }
      }
    });
    try {
      commit.immediate();
    } catch (error) {
      // The commit itself failed: nothing of this batch is stored, and every caller hears so.
      for (const append of batch) append.reject(error);
      return;
    }
    batch.forEach((append, index) => {
      const { result, error } = outcomes[index];
      if (result) append.resolve(result);
      else append.reject(error);
    });
    this.appended.emit('appended');
  }

  private appendInTransaction(append: PendingAppend): AppendResult {
    const { streamId, events, expectedRevision } = append;
    const last = this.statements.last.get(streamId);
    const current = last?.rev ?? null;
    const matches =
      expectedRevision === 'any' ||
      (expectedRevision === 'no_stream' ? current === null : current === expectedRevision);
    if (!matches) throw new WrongExpectedRevisionError(streamId, expectedRevision, current ?? 'no_stream');
    const now = this.now();
    const recordedAt = now.toISOString();
    let revision = current ?? -1;
    let previousHash = last?.hash ?? null;
    let position = 0n;
    for (const event of events) {
      revision += 1;
      const dataJson = JSON.stringify(event.data);
      const metadataJson = JSON.stringify(event.metadata);
      const hash = eventHash(previousHash, {
        streamId,
        streamRevision: revision,
        type: event.type,
        schemaVersion: event.schemaVersion,
        dataJson,
        metadataJson,
      });
      const info = this.statements.insert.run(
        event.id ?? uuidV7(now.getTime()),
        streamId,
        revision,
        event.type,
        event.schemaVersion,
        dataJson,
        metadataJson,
        recordedAt,
        hash,
      );
      previousHash = hash;
      position = BigInt(info.lastInsertRowid);
    }
    return { streamId, nextExpectedRevision: revision, lastGlobalPosition: position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const from = options.fromRevision ?? 0;
    const limit = options.maxCount ?? -1;
    // A read from past the start that may return rows is one that can find the stream's end.
    const tail = from > 0 && limit !== 0;
    if (tail) {
      // Read before the query: a commit elsewhere after this read changes it again, so nothing is missed.
      const version = this.statements.dataVersion.get() as number;
      if (version !== this.emptyTailsVersion) {
        this.emptyTails.clear();
        this.emptyTailsVersion = version;
      }
      const emptyFrom = this.emptyTails.get(streamId);
      if (emptyFrom !== undefined && from >= emptyFrom) return [];
    }
    const rows = this.statements.readStream.all(streamId, from, limit);
    if (tail && rows.length === 0) {
      if (this.emptyTails.size >= 10_000) this.emptyTails.clear();
      this.emptyTails.set(streamId, from);
    }
    return rows.map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.readAllSync(options.after ?? 0n, options.maxCount ?? READ_ALL_PAGE);
  }

  private keep: (streamId: string, type: string, eventId: string) => boolean = () => true;
  /** readAllWhere's statements, one per list of clauses (a rebuild's threads each ask with their own). */
  private readonly readAllWhereStatements = new Map<string, Database.Statement<unknown[], EventRow>>();

  /**
   * Events after `after` and up to `upTo` that one of `clauses` selects by their envelope, inside the query:
   * a row no clause matches is never read into JavaScript, and `keep` decides only the rows of clauses that
   * `ask` it (a partitioned rebuild reads its share this way).
   */
  readAllWhere(
    options: { readonly after: bigint; readonly upTo: bigint; readonly maxCount: number },
    clauses: readonly EnvelopeClause[],
    keep: (streamId: string, type: string, eventId: string) => boolean = () => true,
  ): StoredEvent[] {
    const { sql, parameters } = envelopeCondition(clauses);
    let statement = this.readAllWhereStatements.get(sql);
    if (!statement) {
      if (this.readAllWhereStatements.size === 0)
        this.db.function('keep_event', { deterministic: false }, (streamId, type, eventId) =>
          this.keep(streamId as string, type as string, eventId as string) ? 1 : 0,
        );
      statement = this.db
        .prepare<unknown[], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > ? AND global_position <= ?
           AND (${sql}) ORDER BY global_position LIMIT ?`,
        )
        .raw();
      this.readAllWhereStatements.set(sql, statement);
    }
    this.keep = keep;
    try {
      return statement
        .all(Number(options.after), Number(options.upTo), ...parameters, options.maxCount)
        .map(toStoredEvent);
    } finally {
      this.keep = () => true;
    }
  }

  /**
   * The stream ids of up to `count` events spread evenly over global positions 1 to `upTo` (as often as
   * their streams have events there): what a rebuild divides into ranges of about equal numbers of events.
   */
  sampleStreamIds(upTo: bigint, count: number): string[] {
    const head = Number(upTo);
    const statement = this.db
      .prepare<[number], string>(
        'SELECT stream_id FROM events WHERE global_position >= ? ORDER BY global_position LIMIT 1',
      )
      .pluck();
    const sample: string[] = [];
    const taken = Math.min(count, head);
    for (let k = 1; k <= taken; k++) {
      const streamId = statement.get(Math.ceil((k * head) / taken));
      if (streamId !== undefined) sample.push(streamId);
    }
    return sample;
  }

  private readAllSync(after: bigint, maxCount: number): StoredEvent[] {
    return this.statements.readAll.all(Number(after), maxCount).map(toStoredEvent);
  }

  async headPosition(): Promise<bigint> {
    return BigInt(this.statements.head.get()?.head ?? 0);
  }

  subscribeToAll(options: SubscribeOptions): EventSubscription {
    const control: FollowControl = { stopped: false, wake: null };
    const onAppended = () => control.wake?.();
    this.appended.on('appended', onAppended);
    const batches = this.follow(options.after, options.batchSize ?? 1000, control, onAppended);
    return {
      stop: () => {
        control.stopped = true;
        this.appended.off('appended', onAppended);
        control.wake?.();
      },
      [Symbol.asyncIterator]: () => batches,
    };
  }

  private async *follow(
    after: bigint,
    batchSize: number,
    control: FollowControl,
    onAppended: () => void,
  ): AsyncGenerator<readonly StoredEvent[]> {
    let checkpoint = after;
    try {
      while (!control.stopped && !this.closed) {
        const batch = this.readAllSync(checkpoint, batchSize);
        if (batch.length > 0) {
          checkpoint = batch[batch.length - 1].globalPosition;
          yield batch;
        } else {
          await this.nextAppendOrPoll(control);
        }
      }
    } finally {
      this.appended.off('appended', onAppended);
    }
  }

  /** Resolves on an append in this process, on stop(), or after the poll interval (appends by other processes). */
  private nextAppendOrPoll(control: FollowControl): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => control.wake?.(), this.pollIntervalMs);
      control.wake = () => {
        clearTimeout(timer);
        control.wake = null;
        resolve();
      };
    });
  }

  /** Calls `listener` after every commit of appends made through this store; returns the unsubscribe. */
  onAppended(listener: () => void): () => void {
    this.appended.on('appended', listener);
    return () => this.appended.off('appended', listener);
  }

  /**
   * Wakes this store's subscriptions now: for a reader told by the writer (another thread holding its own
   * connection) that events were appended, instead of waiting for the next poll.
   */
  noticeAppends(): void {
    this.appended.emit('appended');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are committed before the file is closed.
    if (this.pending.length > 0) this.flush();
    this.closed = true;
    this.appended.emit('appended');
    this.db.close();
  }
}
