import {
  EventStore,
  NewEvent,
  StoredEvent,
  WrongExpectedRevisionError,
  verifyEventChains,
} from '@app/event-store';
import { randomUUID } from 'node:crypto';

/**
 * The behaviour every event store adapter must have. Run once per adapter:
 * eventStoreContract('sqlite', async () => ({ store, dispose })).
 */
export function eventStoreContract(
  adapterName: string,
  open: () => Promise<{ store: EventStore; dispose: () => Promise<void> }>,
): void {
  describe(`event store contract: ${adapterName}`, () => {
    let store: EventStore;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ store, dispose } = await open());
    });
    afterEach(async () => {
      await dispose();
    });

    const stream = () => `ticket-${randomUUID()}`;
    const event = (type: string, n = 0): NewEvent => ({
      type,
      schemaVersion: 1,
      data: { n, text: 'ünïcode ✓', nested: { list: [1, 2, 3] } },
      metadata: {
        actor: { id: 'agent-1', role: 'agent' },
        correlationId: 'corr-1',
        causationId: 'cmd-1',
        commandId: 'cmd-1',
        occurredAt: '2026-03-02T09:00:00.000Z',
      },
    });
    const conflictOf = async (promise: Promise<unknown>) => {
      try {
        await promise;
      } catch (error) {
        return error;
      }
      throw new Error('expected the append to be refused');
    };

    it('appends to a new stream and reads the events back with all their fields', async () => {
      const id = stream();
      const result = await store.appendToStream(
        id,
        [event('TicketLogged', 1), event('TicketAcknowledged', 2)],
        {
          expectedRevision: 'no_stream',
        },
      );
      expect(result.nextExpectedRevision).toBe(1);
      expect(typeof result.lastGlobalPosition).toBe('bigint');
      const events = await store.readStream(id);
      expect(events.map((e) => [e.type, e.streamRevision, e.streamId])).toEqual([
        ['TicketLogged', 0, id],
        ['TicketAcknowledged', 1, id],
      ]);
      expect(events[1].globalPosition).toBe(result.lastGlobalPosition);
      expect(events[0].globalPosition).toBeLessThan(events[1].globalPosition);
      expect(events[0]).toMatchObject({
        schemaVersion: 1,
        data: { n: 1, text: 'ünïcode ✓', nested: { list: [1, 2, 3] } },
        metadata: event('x').metadata,
      });
      expect(events[0].id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number.isNaN(Date.parse(events[0].recordedAt))).toBe(false);
    });

    it('reads a stream that does not exist as empty', async () => {
      expect(await store.readStream(stream())).toEqual([]);
    });

    it('refuses a stale expected revision and appends nothing', async () => {
      const id = stream();
      await store.appendToStream(id, [event('A'), event('B')], { expectedRevision: 'no_stream' });
      const error = await conflictOf(store.appendToStream(id, [event('C')], { expectedRevision: 0 }));
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ streamId: id, expected: 0, actual: 1 });
      expect((await store.readStream(id)).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('refuses no_stream on an existing stream, and an exact revision on a missing one', async () => {
      const id = stream();
      await store.appendToStream(id, [event('A')]);
      expect(
        await conflictOf(store.appendToStream(id, [event('B')], { expectedRevision: 'no_stream' })),
      ).toMatchObject({ actual: 0 });
      expect(
        await conflictOf(store.appendToStream(stream(), [event('B')], { expectedRevision: 3 })),
      ).toMatchObject({
        actual: 'no_stream',
      });
    });

    it('appends with the exact revision and with any', async () => {
      const id = stream();
      const first = await store.appendToStream(id, [event('A')], { expectedRevision: 'no_stream' });
      const second = await store.appendToStream(id, [event('B')], {
        expectedRevision: first.nextExpectedRevision,
      });
      const third = await store.appendToStream(id, [event('C')], { expectedRevision: 'any' });
      expect([second.nextExpectedRevision, third.nextExpectedRevision]).toEqual([1, 2]);
    });

    it('lets exactly one of many concurrent appends with the same expected revision win', async () => {
      const id = stream();
      await store.appendToStream(id, [event('A')], { expectedRevision: 'no_stream' });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 25 }, (_, n) =>
          store.appendToStream(id, [event('B', n)], { expectedRevision: 0 }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
      expect(refused).toHaveLength(24);
      refused.forEach((o) => expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError));
      expect((await store.readStream(id)).map((e) => e.streamRevision)).toEqual([0, 1]);
    });

    it('appends a batch atomically with contiguous revisions', async () => {
      const id = stream();
      const batch = Array.from({ length: 100 }, (_, n) => event('E', n));
      await store.appendToStream(id, batch, { expectedRevision: 'no_stream' });
      const events = await store.readStream(id);
      expect(events.map((e) => e.streamRevision)).toEqual(batch.map((_, n) => n));
      expect(events.map((e) => (e.data as { n: number }).n)).toEqual(batch.map((_, n) => n));
    });

    it('refuses an empty append', async () => {
      await expect(store.appendToStream(stream(), [])).rejects.toThrow('nothing to append');
    });

    it('reads a stream from a revision, a page at a time', async () => {
      const id = stream();
      await store.appendToStream(
        id,
        Array.from({ length: 10 }, (_, n) => event('E', n)),
      );
      const page = await store.readStream(id, { fromRevision: 4, maxCount: 3 });
      expect(page.map((e) => e.streamRevision)).toEqual([4, 5, 6]);
    });

    it('reads a stream past its end as empty, and then the events appended since', async () => {
      const id = stream();
      await store.appendToStream(id, [event('E', 0), event('E', 1)]);
      expect(await store.readStream(id, { fromRevision: 2 })).toEqual([]);
      expect(await store.readStream(id, { fromRevision: 2 })).toEqual([]);
      await store.appendToStream(id, [event('E', 2)], { expectedRevision: 1 });
      const tail = await store.readStream(id, { fromRevision: 2 });
      expect(tail.map((e) => (e.data as { n: number }).n)).toEqual([2]);
      expect(await store.readStream(id, { fromRevision: 3 })).toEqual([]);
    });

    it('reads all streams in global order after a position, in pages', async () => {
      const start = await store.headPosition();
      const [a, b] = [stream(), stream()];
      await store.appendToStream(a, [event('A1')]);
      await store.appendToStream(b, [event('B1')]);
      await store.appendToStream(a, [event('A2')]);
      const firstPage = await store.readAll({ after: start, maxCount: 2 });
      const secondPage = await store.readAll({ after: firstPage[1].globalPosition, maxCount: 2 });
      const all = [...firstPage, ...secondPage].filter((e) => e.streamId === a || e.streamId === b);
      expect(all.map((e) => e.type)).toEqual(['A1', 'B1', 'A2']);
      expect(await store.headPosition()).toBe(all[2].globalPosition);
    });

    it('delivers history and then live events to a subscription, in order, from its checkpoint', async () => {
      const id = stream();
      const first = await store.appendToStream(id, [event('A'), event('B')]);
      const subscription = store.subscribeToAll({ after: first.lastGlobalPosition - 1n, batchSize: 10 });
      const received: StoredEvent[] = [];
      const consumed = (async () => {
        for await (const batch of subscription) {
          received.push(...batch.filter((e) => e.streamId === id));
          if (received.length >= 2) subscription.stop();
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await store.appendToStream(id, [event('C')]);
      await consumed;
      expect(received.map((e) => e.type)).toEqual(['B', 'C']);
    }, 10_000);

    it('chains every event to the previous one of its stream, so that the chains verify', async () => {
      const [a, b] = [stream(), stream()];
      await store.appendToStream(a, [event('A1'), event('A2')]);
      await store.appendToStream(b, [event('B1')]);
      await store.appendToStream(a, [event('A3')]);
      const events = await store.readStream(a);
      expect(events.map((e) => e.hash)).toEqual([
        expect.stringMatching(/^[0-9a-f]{64}$/),
        expect.any(String),
        expect.any(String),
      ]);
      expect(new Set(events.map((e) => e.hash)).size).toBe(3);
      const verification = await verifyEventChains(store);
      expect(verification.broken).toBeNull();
      expect(verification.events).toBeGreaterThanOrEqual(4);
    });

    it('keeps concurrent appends to different streams independent when one of them is refused', async () => {
      const [ok1, bad, ok2] = [stream(), stream(), stream()];
      await store.appendToStream(bad, [event('A')]);
      const outcomes = await Promise.allSettled([
        store.appendToStream(ok1, [event('X')], { expectedRevision: 'no_stream' }),
        store.appendToStream(bad, [event('Y')], { expectedRevision: 'no_stream' }),
        store.appendToStream(ok2, [event('Z')], { expectedRevision: 'no_stream' }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await store.readStream(ok1)).toHaveLength(1);
      expect(await store.readStream(bad)).toHaveLength(1);
      expect(await store.readStream(ok2)).toHaveLength(1);
    });
  });
}
