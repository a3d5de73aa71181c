import {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  Position,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
import { eventHash } from '../event-chain';
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

/** What this adapter keeps in an event's EventStoreDB metadata besides the port's metadata. */
interface StoredMetadata extends EventMetadata {
  readonly schemaVersion: number;
  readonly chainHash: string;
}

export interface EventStoreDbOptions {
  /** Pause before a dropped subscription reconnects (doubling up to 30 s). */
  readonly reconnectDelayMs?: number;
  readonly logger?: { warn(message: string): void };
  readonly now?: () => Date;
}

/** A stream or event type of EventStoreDB itself ($stats, $settings, $> links, ...): never ours. */
const isSystem = (resolved: AllStreamResolvedEvent) =>
  !resolved.event || resolved.event.streamId.startsWith('$') || resolved.event.type.startsWith('$');

/**
 * A position of our port as EventStoreDB's: every event appended without explicit transactions has
 * commit = prepare, so one exact BigInt (the commit position) identifies it and orders $all.
 */
const positionOf = (at: bigint): Position => ({ commit: at, prepare: at });

/**
 * The event store port on EventStoreDB (`@eventstore/db-client`). Thin: revisions and positions map
 * one-to-one (positions stay BigInt end to end), a stale expected revision becomes the port's
 * WrongExpectedRevisionError, and each event carries its schema version and hash chain link in its metadata.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<EventSubscription>();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EventStoreDbOptions = {},
  ) {}

  /** e.g. `esdb://localhost:2113?tls=false` */
  static connect(connectionString: string, options: EventStoreDbOptions = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  private toStored(resolved: { event?: unknown }): StoredEvent {
    const event = resolved.event as {
      id: string;
      streamId: string;
      type: string;
      revision: bigint;
      created: Date;
      data: unknown;
      metadata: unknown;
      position?: Position;
    };
    const { schemaVersion, chainHash, ...metadata } = (event.metadata ?? {}) as StoredMetadata;
    return {
      id: event.id,
      streamId: event.streamId,
      type: event.type,
      schemaVersion: schemaVersion ?? 1,
      data: event.data,
      metadata: metadata as EventMetadata,
      streamRevision: Number(event.revision),
      globalPosition: event.position?.commit ?? -1n,
      recordedAt: event.created.toISOString(),
      hash: chainHash ?? null,
    };
  }

  /** The last event of a stream (revision and chain hash), or null when the stream does not exist. */
  private async lastOf(streamId: string): Promise<StoredEvent | null> {
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      })) {
        return this.toStored(resolved);
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('nothing to append');
    const expected = options.expectedRevision ?? 'any';
    // The chain needs the previous event's hash: read it, then append on exactly that revision, so that a
    // concurrent writer makes the append fail instead of breaking the chain. With `any`, try again.
    for (let attempt = 1; ; attempt++) {
      const last = await this.lastOf(streamId);
      const current = last ? last.streamRevision : null;
      if (expected !== 'any') {
        const matches = expected === 'no_stream' ? current === null : current === expected;
        if (!matches) throw new WrongExpectedRevisionError(streamId, expected, current ?? 'no_stream');
      }
      let previousHash = last?.hash ?? null;
      let revision = current ?? -1;
      const now = (this.options.now?.() ?? new Date()).getTime();
      const data = events.map((event) => {
        revision += 1;
        const chainHash = eventHash(previousHash, {
          streamId,
          streamRevision: revision,
          type: event.type,
          schemaVersion: event.schemaVersion,
          dataJson: JSON.stringify(event.data),
          metadataJson: JSON.stringify(event.metadata),
        });
        previousHash = chainHash;
        return jsonEvent({
          id: event.id ?? uuidV7(now),
          type: event.type,
          data: event.data as Record<string, unknown>,
          metadata: { ...event.metadata, schemaVersion: event.schemaVersion, chainHash },
        });
      });
      try {
        const result = await this.client.appendToStream(streamId, data, {
          expectedRevision: current === null ? NO_STREAM : BigInt(current),
        });
        const position = result.position?.commit ?? (await this.lastOf(streamId))?.globalPosition ?? -1n;
        return {
          streamId,
          nextExpectedRevision: Number(result.nextExpectedRevision),
          lastGlobalPosition: position,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (expected === 'any' && attempt < 5) continue;
        const actual = error.actualVersion;
        throw new WrongExpectedRevisionError(
          streamId,
          expected,
          actual === NO_STREAM || actual === undefined ? 'no_stream' : Number(actual),
        );
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(options.fromRevision ?? 0),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      })) {
        events.push(this.toStored(resolved));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /**
   * $all after a position, without EventStoreDB's own events. The 6.x client reads $all without a filter
   * (its readAll sends no filter), so system events are skipped here; subscriptions filter on the server.
   */
  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.after ?? 0n;
    const wanted = options.maxCount ?? READ_ALL_PAGE;
    const events: StoredEvent[] = [];
    // The last position examined: reading from a position includes it, and the port's `after` excludes it.
    let cursor = after;
    for (;;) {
      let read = 0;
      for await (const resolved of this.client.readAll({
        direction: FORWARDS,
        fromPosition: cursor === 0n ? START : positionOf(cursor),
        maxCount: wanted + 1,
      })) {
        read++;
        const position = resolved.event?.position.commit;
        if (position === undefined || position <= cursor) continue;
        cursor = position;
        if (isSystem(resolved)) continue;
        events.push(this.toStored(resolved));
        if (events.length === wanted) return events;
      }
      if (read < wanted + 1) return events;
    }
  }

  /** The position of the last event that is not EventStoreDB's own. */
  async headPosition(): Promise<bigint> {
    let from: Position | typeof END = END;
    for (;;) {
      let read = 0;
      let lastPosition: Position | null = null;
      for await (const resolved of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: from,
        maxCount: 200,
      })) {
        read++;
        if (!isSystem(resolved)) return resolved.event?.position.commit ?? 0n;
        lastPosition = resolved.event?.position ?? lastPosition;
      }
      if (read < 200 || lastPosition === null) return 0n;
      from = lastPosition;
    }
  }

  /**
   * A catch-up subscription to $all from the checkpoint (never from "end"), filtered on the server to
   * exclude system events. A dropped connection is logged and the subscription resumes from the last
   * position it delivered; events at or before it (redelivered on resumption) are not delivered twice.
   */
  subscribeToAll(options: SubscribeOptions): EventSubscription {
    const client = this.client;
    const batchSize = options.batchSize ?? 500;
    const baseDelay = this.options.reconnectDelayMs ?? 500;
    const logger = this.options.logger;
    const toStored = (resolved: AllStreamResolvedEvent) => this.toStored(resolved);
    let stopped = false;
    let active: AllStreamSubscription | null = null;
    let wake: (() => void) | null = null;
    const subscriptions = this.subscriptions;

    async function* batches(): AsyncGenerator<readonly StoredEvent[]> {
      let checkpoint = options.after;
      let delay = baseDelay;
      while (!stopped) {
        const buffer: StoredEvent[] = [];
        let failure: Error | null = null;
        let ended = false;
        const subscription = client.subscribeToAll({
          fromPosition: checkpoint === 0n ? START : positionOf(checkpoint),
          filter: excludeSystemEvents(),
        });
        active = subscription;
        const notify = () => {
          const resume = wake;
          wake = null;
          resume?.();
        };
        subscription.on('data', (resolved: AllStreamResolvedEvent) => {
          if (isSystem(resolved)) return;
          buffer.push(toStored(resolved));
          if (buffer.length >= batchSize * 4) subscription.pause();
          notify();
        });
        subscription.on('error', (error: Error) => {
          failure = error;
          notify();
        });
        subscription.on('end', () => {
          ended = true;
          notify();
        });
        while (!stopped && failure === null && !ended) {
          if (buffer.length === 0) {
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          const batch = buffer.splice(0, batchSize).filter((event) => event.globalPosition > checkpoint);
          if (subscription.isPaused() && buffer.length < batchSize) subscription.resume();
          if (batch.length === 0) continue;
          delay = baseDelay;
          yield batch;
          checkpoint = batch[batch.length - 1].globalPosition;
        }
        await subscription.unsubscribe().catch(() => undefined);
        if (stopped) break;
        logger?.warn(
          `subscription to $all dropped (${failure ? (failure as Error).message : 'ended'}); resuming after ${checkpoint} in ${delay} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 30_000);
      }
    }

    const iterator = batches();
    const handle: EventSubscription = {
      [Symbol.asyncIterator]: () => iterator,
      stop: () => {
        stopped = true;
        subscriptions.delete(handle);
        void active?.unsubscribe().catch(() => undefined);
        const resume = wake;
        wake = null;
        resume?.();
      },
    };
    subscriptions.add(handle);
    return handle;
  }

  async close(): Promise<void> {
    for (const subscription of [...this.subscriptions]) subscription.stop();
    await this.client.dispose();
  }
}
