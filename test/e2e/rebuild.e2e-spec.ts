import { SqliteEventStore } from '@app/event-store';
import {
  PartitionIo,
  ProjectionRunner,
  TicketDoc,
  collectionsOf,
  localRowNumbers,
  rebuildPartition,
  sharedRowNumbers,
  streamBounds,
  rebuildProjection,
  serviceDeskProjection,
} from '@app/projections';
import { SqliteReadStore } from '@app/read-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDocs, partitionReader, writePreparer } from '../../apps/cli/src/commands/parallel-rebuild';
import { generateHistory } from '../../apps/cli/src/generate/history-generator';
import { acmeTerms, unreadableEvent } from '../support/fixtures';

/** Read models are disposable: a rebuild from the events must reproduce the live-built documents exactly. */
describe('rebuilding the read models', () => {
  let dir: string;
  let events: SqliteEventStore;
  let live: SqliteReadStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebuild-'));
    events = new SqliteEventStore({
      path: join(dir, 'events.db'),
      synchronous: 'NORMAL',
      pollIntervalMs: 10,
    });
    live = new SqliteReadStore({ path: join(dir, 'live.db') });
  });
  afterAll(async () => {
    await events.close();
    await live.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const allDocs = async (store: SqliteReadStore, collection: string) =>
    (await store.find<{ id: string }>(collection, { sort: { field: 'id', direction: 'asc' } })).map((doc) =>
      JSON.stringify(doc),
    );
  /** Every collection of the projection in `store` holds exactly the live-built documents. */
  const expectLiveDocuments = async (store: SqliteReadStore) => {
    for (const { collection } of collectionsOf(serviceDeskProjection)) {
      const [expected, docs] = [await allDocs(live, collection), await allDocs(store, collection)];
      expect([collection, docs.length]).toEqual([collection, expected.length]);
      expect(docs).toEqual(expected);
    }
  };

  it('reproduces every document of a live-built projection of thousands of tickets', async () => {
    // Live: the runner follows while the history is appended, in small batches.
    const runner = new ProjectionRunner(events, live, serviceDeskProjection, { batchSize: 50 });
    await runner.start();
    const { events: count } = await generateHistory(events, {
      tickets: 3000,
      customers: 4,
      seed: 7,
      from: '2026-01-05T00:00:00Z',
      to: '2026-05-01T00:00:00Z',
      terms: acmeTerms as never,
    });
    expect(count).toBeGreaterThan(15_000);
    expect(await runner.waitFor(await events.headPosition(), 60_000)).toBe(true);
    await runner.stop();
    expect(runner.state.status).not.toBe('stopped');

    // Rebuild into a fresh store, in large batches, and in the same store after a reset.
    const fresh = new SqliteReadStore({ path: join(dir, 'fresh.db') });
    await rebuildProjection(events, fresh, serviceDeskProjection, { batchSize: 5000 });
    // And the way `rebuild` loads a fresh file when the events are not in the embedded store (the runner's
    // writes by id into a bulk load, which builds its id indexes as soon as they are needed).
    const bulk = new SqliteReadStore({ path: join(dir, 'bulk.db'), bulkLoad: true });
    await rebuildProjection(events, bulk, serviceDeskProjection, { batchSize: 5000 });
    for (const collection of collectionsOf(serviceDeskProjection).map((c) => c.collection)) {
      const expected = await allDocs(live, collection);
      for (const rebuilt of [fresh, bulk]) {
        const docs = await allDocs(rebuilt, collection);
        expect([collection, docs.length]).toEqual([collection, expected.length]);
        expect(docs).toEqual(expected);
      }
    }
    await bulk.close();
    const tickets = await allDocs(live, 'tickets');
    expect(tickets).toHaveLength(3000);
    // The history covers what the reports need: breaches, reopens, user errors, every closure.
    const docs = tickets.map((json) => JSON.parse(json) as TicketDoc);
    expect(docs.some((d) => d.figures?.breached)).toBe(true);
    expect(docs.some((d) => d.state.reopenCount > 0)).toBe(true);
    expect(docs.some((d) => d.charge !== null)).toBe(true);
    for (const closure of ['confirmed', 'auto_closed', 'closed_unresolved']) {
      expect([closure, docs.some((d) => d.state.closure === closure)]).toEqual([closure, true]);
    }
    await rebuildProjection(events, live, serviceDeskProjection);
    expect(await allDocs(live, 'tickets')).toEqual(tickets);
    expect((await live.checkpoint(serviceDeskProjection.name))?.position).toBe(await events.headPosition());
    await fresh.close();
  }, 120_000);

  it('folds disjoint partitions of the documents into exactly the live-built ones, whatever it holds in memory', async () => {
    // Tickets logged just now owe their requesters an email; two were delivered (the notification's own stream).
    const [logged] = (await events.readAll({ maxCount: 100 })).filter(
      (event) => event.type === 'TicketLogged',
    );
    const nowIso = new Date().toISOString();
    for (let i = 0; i < 6; i++) {
      const ticketId = `fresh-${i}`;
      const { lastGlobalPosition } = await events.appendToStream(`ticket-${ticketId}`, [
        {
          type: 'TicketLogged',
          schemaVersion: 1,
          data: { ...(logged.data as object), ticketId },
          metadata: { ...logged.metadata, occurredAt: nowIso },
        },
      ]);
      if (i >= 4) continue;
      const [cause] = await events.readAll({ after: lastGlobalPosition - 1n, maxCount: 1 });
      await events.appendToStream(`notification-${cause.id}`, [
        {
          type: 'NotificationSent',
          schemaVersion: 1,
          data: {
            to: 'user@example.com',
            subject: 's',
            messageId: `<${cause.id}@test>`,
            attempt: 1,
            transport: 'file',
          },
          metadata: { ...logged.metadata, occurredAt: nowIso },
        },
      ]);
    }
    const runner = new ProjectionRunner(events, live, serviceDeskProjection, { batchSize: 50 });
    await runner.start();
    expect(await runner.waitFor(await events.headPosition(), 60_000)).toBe(true);
    await runner.stop();

    const target = new SqliteReadStore({ path: join(dir, 'partitioned.db'), bulkLoad: true });
    const collections = collectionsOf(serviceDeskProjection);
    const prepare = writePreparer(serviceDeskProjection);
    const head = await events.headPosition();
    let loadedBack = 0;
    // Three partitions holding 40 documents each: most documents are written out and loaded back again.
    // Their row numbers come from one counter in shared memory, as the rebuild's threads share it.
    const rows = sharedRowNumbers(new SharedArrayBuffer(4));
    // The tickets' streams in three ranges of about as many events, read by range inside the query.
    const bounds = streamBounds(events.sampleStreamIds(head, 1000), 3);
    expect(new Set(bounds).size).toBe(2);
    for (let partition = 0; partition < 3; partition++) {
      await rebuildPartition(
        serviceDeskProjection,
        { partitions: 3, owned: [partition], streamBounds: bounds, capacity: 40, rows },
        {
          read: partitionReader(events, head, 500),
          load: async (keys) => {
            loadedBack += keys.length;
            return loadDocs(target, keys);
          },
          write: async (writes) => target.writePrepared(prepare(writes)),
        },
      );
    }
    expect(loadedBack).toBeGreaterThan(100);
    // Loaded by row number, as the rebuild does; the indexes (the unique one on ids first) once loaded.
    for (const { collection, indexes } of collections) await target.ensureIndexes(collection, indexes);
    await expectLiveDocuments(target);
    const notifications = (await allDocs(target, 'notifications')).map((json) => JSON.parse(json));
    expect(notifications.map((doc) => doc.status).sort()).toEqual([
      'pending',
      'pending',
      'sent',
      'sent',
      'sent',
      'sent',
    ]);
    await target.close();
  }, 120_000);

  it('folds the same documents whatever the reader asks about the events it returns', async () => {
    const target = new SqliteReadStore({ path: join(dir, 'readers.db'), bulkLoad: true });
    const prepare = writePreparer(serviceDeskProjection);
    const head = await events.headPosition();
    const io = (read: PartitionIo['read']): PartitionIo => ({
      read,
      load: (keys) => loadDocs(target, keys),
      write: async (writes) => target.writePrepared(prepare(writes)),
    });
    // The live projection the first test built (thousands of tickets) is what both must reproduce.
    expect((await allDocs(live, 'tickets')).length).toBeGreaterThan(3000);
    const plainRead = (after: bigint) => events.readAll({ after, maxCount: 300 });
    const rows = localRowNumbers();
    const bounds = streamBounds(events.sampleStreamIds(head, 1000), 2);
    // Partition 0: asks about every event of a plain read and returns them all, the other partition's too.
    await rebuildPartition(
      serviceDeskProjection,
      { partitions: 2, owned: [0], streamBounds: bounds, capacity: 40, rows },
      io(async (after, { wants }) => {
        const batch = (await plainRead(after)).filter((event) => event.globalPosition <= head);
        for (const event of batch) wants(event);
        return batch;
      }),
    );
    // Partition 1: asks about every other event only, and returns them all.
    await rebuildPartition(
      serviceDeskProjection,
      { partitions: 2, owned: [1], streamBounds: bounds, capacity: 40, rows },
      io(async (after, { wants }) => {
        const batch = (await plainRead(after)).filter((event) => event.globalPosition <= head);
        const probe = batch.filter((_, index) => index % 2 === 0);
        for (const event of probe) wants(event);
        return batch;
      }),
    );
    for (const { collection, indexes } of collectionsOf(serviceDeskProjection))
      await target.ensureIndexes(collection, indexes);
    await expectLiveDocuments(target);
    await target.close();
  }, 120_000);

  it("starts a new version of the projection over, instead of folding into the old version's documents", async () => {
    const store = new SqliteReadStore({ path: join(dir, 'versions.db') });
    const previous = { ...serviceDeskProjection, name: 'service-desk.v0' };
    await rebuildProjection(events, store, previous);
    // The old version kept a document this one never writes, and one of another shape.
    const [ticket] = await store.find<TicketDoc>('tickets', { limit: 1 });
    await store.commit(
      previous.name,
      [
        { collection: 'tickets', id: 'retired-shape', doc: { id: 'retired-shape', legacy: true } },
        { collection: 'tickets', id: ticket.id, doc: { id: ticket.id, legacy: true } },
      ],
      await events.headPosition(),
    );
    const logged: string[] = [];
    const runner = new ProjectionRunner(events, store, serviceDeskProjection, {
      logger: { log: (message) => logged.push(message), error: (message) => logged.push(message) },
    });
    await runner.start();
    expect(await runner.waitFor(await events.headPosition(), 60_000)).toBe(true);
    await runner.stop();
    expect(logged.join('\n')).toMatch(
      /service-desk\.v1 has no checkpoint but its collections hold documents/,
    );
    await expectLiveDocuments(store);
    await store.close();
  }, 120_000);

  it('stops on an event it cannot read, names it, and does not move past it', async () => {
    const store = new SqliteReadStore({ path: join(dir, 'stopped.db') });
    const head = await events.headPosition();
    await events.appendToStream('ticket-from-the-future', [unreadableEvent]);
    await expect(rebuildProjection(events, store, serviceDeskProjection)).rejects.toThrow(
      /cannot apply TicketTeleported \(ticket-from-the-future@0, position \d+\): .*unknown event type TicketTeleported/,
    );
    const checkpoint = await store.checkpoint(serviceDeskProjection.name);
    expect(checkpoint?.status).toBe('stopped');
    expect(checkpoint?.error).toMatch(/TicketTeleported/);
    expect(checkpoint?.position).toBeLessThanOrEqual(head);
    await store.close();
  }, 60_000);
});
