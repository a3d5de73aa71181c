import { SqliteEventStore, StoredEvent } from '@app/event-store';
import { DocumentWrite, SqliteReadStore } from '@app/read-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localRowNumbers, rebuildPartition } from './partitioned-fold';
import { Projection, ReadModel, collectionsOf } from './projection';
import { ProjectionRunner } from './projection-runner';

interface CounterDoc {
  readonly id: string;
  readonly total: number;
}

/** A read model whose documents can be deleted, with a derived collection: counters of 10 or more. */
const counters: ReadModel<CounterDoc> = {
  collection: 'counters',
  streamPrefix: 'counter-',
  eventTypes: ['Added', 'Removed'],
  indexes: [],
  documentId: (event) => event.streamId.slice('counter-'.length),
  evolve: (doc, event) => {
    const id = event.streamId.slice('counter-'.length);
    if (event.type === 'Removed') return null;
    return { id, total: (doc?.total ?? 0) + (event.data as { n: number }).n };
  },
  derived: {
    collections: [{ collection: 'large_counters', indexes: [] }],
    documentsOf: (doc) => ({ large_counters: doc.total >= 10 ? { id: doc.id, total: doc.total } : null }),
  },
};
const projection: Projection = { name: 'counters.v1', readModels: [counters as ReadModel] };

describe('documents with derived collections', () => {
  let dir: string;
  let events: SqliteEventStore;
  let live: SqliteReadStore;
  const committed: DocumentWrite[][] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'derived-'));
    events = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 5 });
    live = new SqliteReadStore({ path: join(dir, 'live.db') });
    const commit = live.commit.bind(live);
    live.commit = async (name, writes, position) => {
      committed.push([...writes]);
      return commit(name, writes, position);
    };
  });
  afterAll(async () => {
    await events.close();
    await live.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = (counter: string, type: 'Added' | 'Removed', n = 0) =>
    events.appendToStream(`counter-${counter}`, [
      {
        type,
        schemaVersion: 1,
        data: { n },
        metadata: {
          actor: { id: 'tester', role: 'agent' },
          correlationId: `counter-${counter}`,
          causationId: null,
          commandId: null,
          occurredAt: '2026-01-05T09:00:00.000Z',
        },
      },
    ]);
  const all = async (store: SqliteReadStore, collection: string) =>
    store.find<CounterDoc>(collection, { sort: { field: 'id', direction: 'asc' } });

  it('deletes the derived documents of a deleted document, and writes no deletions for documents new in a batch', async () => {
    await append('a', 'Added', 5);
    await append('a', 'Added', 7);
    // Created and deleted within one batch: nothing to write at all.
    await append('b', 'Added', 20);
    await append('b', 'Removed');
    // Below 10: no derived document, and none to delete.
    await append('c', 'Added', 3);
    const runner = new ProjectionRunner(events, live, projection);
    await runner.start();
    expect(await runner.waitFor(await events.headPosition(), 5_000)).toBe(true);
    expect(await all(live, 'counters')).toEqual([
      { id: 'a', total: 12 },
      { id: 'c', total: 3 },
    ]);
    expect(await all(live, 'large_counters')).toEqual([{ id: 'a', total: 12 }]);
    expect(committed.flat().filter((write) => write.doc === null)).toEqual([]);

    // Removing a stored counter removes its derived document in the same commit.
    committed.length = 0;
    await append('a', 'Removed');
    expect(await runner.waitFor(await events.headPosition(), 5_000)).toBe(true);
    await runner.stop();
    expect(runner.state.status).toBe('closed');
    expect(committed.flat()).toEqual([
      { collection: 'counters', id: 'a', doc: null },
      { collection: 'large_counters', id: 'a', doc: null },
    ]);
    expect(await all(live, 'counters')).toEqual([{ id: 'c', total: 3 }]);
    expect(await all(live, 'large_counters')).toEqual([]);
  });

  it('a partitioned rebuild that writes documents out and loads them back gives the same documents', async () => {
    // Counter d reaches 10 after it was written out (capacity 1), then is deleted after another write-out.
    await append('d', 'Added', 9);
    await append('e', 'Added', 1);
    await append('d', 'Added', 1);
    await append('e', 'Added', 1);
    await append('d', 'Removed');
    await append('f', 'Added', 30);
    const runner = new ProjectionRunner(events, live, projection);
    await runner.start();
    expect(await runner.waitFor(await events.headPosition(), 5_000)).toBe(true);
    await runner.stop();

    const target = new SqliteReadStore({ path: join(dir, 'rebuilt.db'), bulkLoad: true });
    const head = await events.headPosition();
    let loadedBack = 0;
    const rows = localRowNumbers();
    for (let partition = 0; partition < 2; partition++) {
      await rebuildPartition(
        projection,
        // Counters are divided by a hash of their id (the bound divides one-document-per-stream models).
        { partitions: 2, owned: [partition], streamBounds: ['counter-m'], capacity: 1, rows },
        {
          read: async (after) =>
            (await events.readAll({ after, maxCount: 2 })).filter(
              (event: StoredEvent) => event.globalPosition <= head,
            ),
          load: async (keys) => {
            loadedBack += keys.length;
            const docs = [];
            for (const key of keys) {
              const found = target.getRows<object>(key.collection, [key.row]);
              docs.push({ ...key, doc: found.get(key.row) ?? null });
            }
            return docs;
          },
          write: async (writes) =>
            target.commit(projection.name, writes as DocumentWrite[], 0n).then(() => undefined),
        },
      );
    }
    expect(loadedBack).toBeGreaterThan(0);
    for (const { collection, indexes } of collectionsOf(projection))
      await target.ensureIndexes(collection, indexes);
    for (const collection of ['counters', 'large_counters'])
      expect([collection, await all(target, collection)]).toEqual([collection, await all(live, collection)]);
    expect(await all(target, 'large_counters')).toEqual([{ id: 'f', total: 30 }]);
    await target.close();
  });
});
