import { NewEvent, SqliteEventStore } from '@app/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('embedded SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-es-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 20 });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('embedded SQLite event store: a stream read past its end, with another connection appending', () => {
  let dir: string;
  let reader: SqliteEventStore;
  let writer: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-es-'));
    // Two connections to one file, as the API and an import (or the projector) have.
    reader = new SqliteEventStore({ path: join(dir, 'events.db') });
    writer = new SqliteEventStore({ path: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await reader.close();
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (n: number): NewEvent => ({
    type: 'AgreementVersionPublished',
    schemaVersion: 1,
    data: { n },
    metadata: {
      actor: { id: 'admin-1', role: 'admin' },
      correlationId: 'corr-1',
      causationId: 'cmd-1',
      commandId: 'cmd-1',
      occurredAt: '2026-03-02T09:00:00.000Z',
    },
  });

  it("sees the other connection's append on its next read, however often it found the tail empty", async () => {
    await reader.appendToStream('agreement-a', [event(0)]);
    for (let i = 0; i < 3; i++)
      expect(await reader.readStream('agreement-a', { fromRevision: 1 })).toEqual([]);
    await writer.appendToStream('agreement-a', [event(1)], { expectedRevision: 0 });
    const tail = await reader.readStream('agreement-a', { fromRevision: 1 });
    expect(tail.map((e) => e.data)).toEqual([{ n: 1 }]);
    // And again after its own append, the other connection's reads see it.
    expect(await writer.readStream('agreement-a', { fromRevision: 2 })).toEqual([]);
    await reader.appendToStream('agreement-a', [event(2)], { expectedRevision: 1 });
    expect((await writer.readStream('agreement-a', { fromRevision: 2 })).map((e) => e.data)).toEqual([
      { n: 2 },
    ]);
  });

  it('does not take a read limited to no events for the end of the stream', async () => {
    await writer.appendToStream('agreement-c', [event(0), event(1)]);
    expect(await reader.readStream('agreement-c', { fromRevision: 1, maxCount: 0 })).toEqual([]);
    expect((await reader.readStream('agreement-c', { fromRevision: 1 })).map((e) => e.data)).toEqual([
      { n: 1 },
    ]);
  });

  it('sees an append to a stream that did not exist when its tail was read', async () => {
    expect(await reader.readStream('agreement-b', { fromRevision: 1 })).toEqual([]);
    await writer.appendToStream('agreement-b', [event(0), event(1)]);
    expect((await reader.readStream('agreement-b', { fromRevision: 1 })).map((e) => e.data)).toEqual([
      { n: 1 },
    ]);
  });
});
