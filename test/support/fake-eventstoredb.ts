import {
  EventStoreDBClient,
  Position,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { Readable } from 'node:stream';

interface Recorded {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  created: Date;
  data: unknown;
  metadata: unknown;
  isJson: true;
  position: Position;
}

type ReadPosition = 'start' | 'end' | Position;

/**
 * An in-memory stand-in for the calls the EventStoreDB adapter makes on `EventStoreDBClient` (6.x), with
 * the server's semantics as the client documents them: revisions per stream, one log position per event
 * (commit = prepare, sparse like byte offsets), system events (`$`-prefixed) interleaved in $all, reads
 * of $all that include their start position, catch-up subscriptions that start after it and filter on
 * the server, the client's error classes for a missing stream and a wrong expected revision, and
 * `dropSubscriptions()` to cut live subscriptions as a lost connection would. Not EventStoreDB: the real
 * server runs the same contract when EVENTSTORE_URL is set.
 */
export class FakeEventStoreDb {
  private readonly all: Recorded[] = [];
  private readonly streams = new Map<string, Recorded[]>();
  private readonly live = new Set<{ stream: Readable; filter?: RegExp; after: bigint }>();
  private nextPosition = 1000n;
  subscriptionsOpened = 0;

  private record(streamId: string, event: { id: string; type: string; data: unknown; metadata: unknown }) {
    const stream = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, stream);
    this.nextPosition += 137n;
    const recorded: Recorded = {
      streamId,
      id: event.id,
      type: event.type,
      revision: BigInt(stream.length),
      created: new Date(),
      // What the server stores is JSON text; what the client gives back is parsed.
      data: JSON.parse(JSON.stringify(event.data)),
      metadata: event.metadata === undefined ? undefined : JSON.parse(JSON.stringify(event.metadata)),
      isJson: true,
      position: { commit: this.nextPosition, prepare: this.nextPosition },
    };
    stream.push(recorded);
    this.all.push(recorded);
    for (const subscription of this.live) this.deliver(subscription, recorded);
    return recorded;
  }

  private deliver(subscription: { stream: Readable; filter?: RegExp; after: bigint }, event: Recorded) {
    if (event.position.commit <= subscription.after) return;
    if (subscription.filter && !subscription.filter.test(event.type)) return;
    subscription.stream.push({ event, commitPosition: event.position.commit });
  }

  /** What the server writes by itself ($stats, $metadata, ...). */
  appendSystemEvent(): void {
    this.record('$stats-127.0.0.1:2113', {
      id: crypto.randomUUID(),
      type: '$statsCollected',
      data: {},
      metadata: {},
    });
  }

  dropSubscriptions(): void {
    for (const subscription of [...this.live]) {
      this.live.delete(subscription);
      subscription.stream.destroy(new Error('14 UNAVAILABLE: Connection dropped'));
    }
  }

  client(): EventStoreDBClient {
    const fake = {
      appendToStream: async (
        streamId: string,
        events: Array<{ id: string; type: string; data: unknown; metadata: unknown }>,
        options: { expectedRevision?: 'any' | 'no_stream' | bigint } = {},
      ) => {
        await Promise.resolve();
        const stream = this.streams.get(streamId) ?? [];
        const current = stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);
        const expected = options.expectedRevision ?? 'any';
        if (expected !== 'any' && expected !== current) {
          throw new WrongExpectedVersionError(undefined, { streamName: streamId, expected, current });
        }
        let last: Recorded | undefined;
        for (const event of events) last = this.record(streamId, event);
        this.appendSystemEvent();
        return { success: true, nextExpectedRevision: last?.revision ?? -1n, position: last?.position };
      },
      readStream: (
        streamId: string,
        options: { direction?: string; fromRevision?: 'start' | 'end' | bigint; maxCount?: number | bigint },
      ) => {
        const streams = this.streams;
        return (async function* () {
          await Promise.resolve();
          const stream = streams.get(streamId);
          if (!stream) throw new StreamNotFoundError(undefined, streamId);
          const backwards = options.direction === 'backwards';
          const ordered = backwards ? [...stream].reverse() : stream;
          const from = options.fromRevision ?? (backwards ? 'end' : 'start');
          const start =
            from === 'start' || from === 'end'
              ? 0
              : ordered.findIndex((e) => (backwards ? e.revision <= from : e.revision >= from));
          if (start < 0) return;
          for (const event of ordered.slice(
            start,
            start + Number(options.maxCount ?? Number.MAX_SAFE_INTEGER),
          ))
            yield { event, commitPosition: event.position.commit };
        })();
      },
      readAll: (options: { direction?: string; fromPosition?: ReadPosition; maxCount?: number | bigint }) => {
        const all = this.all;
        return (async function* () {
          await Promise.resolve();
          const backwards = options.direction === 'backwards';
          const ordered = backwards ? [...all].reverse() : all;
          const from = options.fromPosition ?? (backwards ? 'end' : 'start');
          const start =
            from === 'start' || from === 'end'
              ? 0
              : ordered.findIndex((e) =>
                  backwards ? e.position.commit <= from.commit : e.position.commit >= from.commit,
                );
          if (start < 0) return;
          for (const event of ordered.slice(
            start,
            start + Number(options.maxCount ?? Number.MAX_SAFE_INTEGER),
          ))
            yield { event, commitPosition: event.position.commit };
        })();
      },
      subscribeToAll: (options: { fromPosition?: ReadPosition; filter?: { regex?: string } }) => {
        this.subscriptionsOpened++;
        const from = options.fromPosition ?? 'start';
        const subscription = {
          stream: new Readable({ objectMode: true, read() {} }),
          filter: options.filter?.regex ? new RegExp(options.filter.regex) : undefined,
          after: from === 'start' ? -1n : from === 'end' ? this.nextPosition : from.commit,
        };
        const stream = subscription.stream as Readable & { unsubscribe(): Promise<void> };
        stream.unsubscribe = async () => {
          this.live.delete(subscription);
          stream.push(null);
        };
        // History first, then live events, on the next tick like a network stream.
        setImmediate(() => {
          for (const event of this.all) this.deliver(subscription, event);
          this.live.add(subscription);
        });
        return stream;
      },
      dispose: async () => this.dropSubscriptions(),
    };
    return fake as unknown as EventStoreDBClient;
  }
}
