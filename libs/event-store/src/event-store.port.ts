/**
 * The event store port: every adapter (embedded SQLite, EventStoreDB) implements this and passes
 * the shared contract suite in test/contracts.
 *
 * Revisions are 0-based per stream. Global positions are exact BigInts, strictly increasing in commit
 * order; readers never see a later position before an earlier one.
 */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** `no_stream`: the stream must not exist; `any`: no check; a number: the stream's last revision must be it. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface EventMetadata {
  readonly actor: { readonly id: string; readonly role: string };
  /** The business request this event belongs to (one id across the events a request causes). */
  readonly correlationId: string;
  /** The message that caused this event (the command id, or the event a process manager reacted to). */
  readonly causationId: string | null;
  /** Idempotency: a retried command with the same id appends nothing new. */
  readonly commandId: string | null;
  /** When the fact happened in the business (may be earlier than recordedAt for imported history). */
  readonly occurredAt: string;
  /** Hash of the command, so that an idempotency key reused for another command is recognised. */
  readonly commandFingerprint?: string;
}

export interface NewEvent {
  /** A UUID; generated when absent. */
  readonly id?: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface StoredEvent<Data = unknown> {
  readonly id: string;
  readonly streamId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly streamRevision: number;
  readonly globalPosition: bigint;
  /** When the store committed the event. */
  readonly recordedAt: string;
  /** Chains the event to the previous one of its stream (see event-chain.ts); null if written without. */
  readonly hash: string | null;
}

export interface AppendResult {
  readonly streamId: string;
  /** The revision of the last appended event: pass it as the expected revision of the next append. */
  readonly nextExpectedRevision: number;
  readonly lastGlobalPosition: bigint;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${expected}, but it is at ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export interface ReadStreamOptions {
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

/**
 * readAll's page when no maxCount is given, and the page a reader of the whole log should take: a page that
 * outlives a young-generation collection is copied to the old one (the embedded store read 410,000-424,000
 * events/s in pages of 250-2,000, 261,000-297,000 in pages of 5,000-10,000; docs/performance.md, thirteenth
 * session).
 */
export const READ_ALL_PAGE = 1000;

export interface ReadAllOptions {
  /** Exclusive: events after this position (0n = from the start). */
  readonly after?: bigint;
  /** At most this many events (READ_ALL_PAGE if not given). */
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: the subscription delivers events after it, first the history, then live ones. */
  readonly after: bigint;
  readonly batchSize?: number;
}

/** Batches of events in global order; stop() ends the iteration after the batch being delivered. */
export interface EventSubscription extends AsyncIterable<readonly StoredEvent[]> {
  stop(): void;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: { readonly expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /** The stream's events in revision order; empty when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Events of every stream in global order. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** The position of the last committed event (0n when empty). */
  headPosition(): Promise<bigint>;
  subscribeToAll(options: SubscribeOptions): EventSubscription;
  close(): Promise<void>;
}
