import { EventStoreDbEventStore } from '@app/event-store/eventstoredb/eventstoredb-event-store';
import { FakeEventStoreDb } from '../support/fake-eventstoredb';
import { eventStoreContract } from './event-store.contract';

// The EventStoreDB adapter's mapping (revisions, positions, errors, metadata, the hash chain, system
// events, batching of the subscription) on every run, over an in-memory stand-in for the client; the
// real server runs the same contract when EVENTSTORE_URL is set.
eventStoreContract('EventStoreDB adapter over an in-memory stand-in for the client', async () => {
  const store = new EventStoreDbEventStore(new FakeEventStoreDb().client(), { reconnectDelayMs: 10 });
  return { store, dispose: () => store.close() };
});

describe('EventStoreDB adapter: a dropped subscription', () => {
  const event = (n: number) => ({
    type: 'E',
    schemaVersion: 1,
    data: { n },
    metadata: {
      actor: { id: 'a', role: 'agent' },
      correlationId: 'c',
      causationId: null,
      commandId: null,
      occurredAt: '2026-03-02T09:00:00.000Z',
    },
  });

  it('reconnects and resumes from the last delivered position, delivering nothing twice and skipping nothing', async () => {
    const server = new FakeEventStoreDb();
    const warnings: string[] = [];
    const store = new EventStoreDbEventStore(server.client(), {
      reconnectDelayMs: 10,
      logger: { warn: (message) => warnings.push(message) },
    });
    for (let n = 0; n < 5; n++) await store.appendToStream('s-1', [event(n)]);
    const subscription = store.subscribeToAll({ after: 0n, batchSize: 2 });
    const seen: number[] = [];
    const consumed = (async () => {
      for await (const batch of subscription) {
        seen.push(...batch.map((e) => (e.data as { n: number }).n));
        if (seen.length === 5) {
          server.dropSubscriptions();
          for (let n = 5; n < 10; n++) await store.appendToStream('s-1', [event(n)]);
        }
        if (seen.length >= 10) subscription.stop();
      }
    })();
    await consumed;
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(server.subscriptionsOpened).toBe(2);
    expect(warnings).toEqual([
      expect.stringMatching(/dropped \(14 UNAVAILABLE: Connection dropped\); resuming after \d+/),
    ]);
    await store.close();
  });

  it("reports the head as the last event of ours, past the server's own events", async () => {
    const server = new FakeEventStoreDb();
    const store = new EventStoreDbEventStore(server.client());
    expect(await store.headPosition()).toBe(0n);
    const appended = await store.appendToStream('s-1', [event(0)]);
    for (let n = 0; n < 300; n++) server.appendSystemEvent();
    expect(await store.headPosition()).toBe(appended.lastGlobalPosition);
    await store.close();
  });
});
