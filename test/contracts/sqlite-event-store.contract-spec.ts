import { EnvelopeClause, NewEvent, SqliteEventStore } from '@app/event-store';
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

/** An event of `type` with `data`, as the tests below append them. */
const newEvent = (type: string, data: object = {}): NewEvent => ({
  type,
  schemaVersion: 1,
  data,
  metadata: {
    actor: { id: 'admin-1', role: 'admin' },
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    commandId: 'cmd-1',
    occurredAt: '2026-03-02T09:00:00.000Z',
  },
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

  const event = (n: number) => newEvent('AgreementVersionPublished', { n });

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

describe('embedded SQLite event store: reading the events an envelope selects (a rebuild thread reads its share)', () => {
  let dir: string;
  let store: SqliteEventStore;
  const event = (type: string) => newEvent(type);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-es-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    // Interleaved in global order: a, b, c, a, b, c, ...
    for (let round = 0; round < 3; round++)
      for (const stream of ['ticket-a', 'ticket-b', 'ticket-c', 'agreement-x'])
        await store.appendToStream(stream, [event(round === 0 ? 'Logged' : 'Noted')]);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const upTo = 12n;
  const read = (clauses: EnvelopeClause[], keep?: (streamId: string, type: string) => boolean) =>
    store
      .readAllWhere({ after: 0n, upTo, maxCount: 100 }, clauses, keep)
      .map((e) => `${e.globalPosition} ${e.streamId} ${e.type}`);

  it('returns the streams of a range, in global order, and of the types asked for', () => {
    expect(read([{ fromStream: 'ticket-b', toStream: 'ticket-c' }])).toEqual([
      '2 ticket-b Logged',
      '6 ticket-b Noted',
      '10 ticket-b Noted',
    ]);
    expect(read([{ fromStream: 'ticket-', toStream: 'ticket.', types: ['Logged'] }])).toEqual([
      '1 ticket-a Logged',
      '2 ticket-b Logged',
      '3 ticket-c Logged',
    ]);
    expect(read([{ fromStream: 'ticket-c', toStream: null }])).toEqual([
      '3 ticket-c Logged',
      '7 ticket-c Noted',
      '11 ticket-c Noted',
    ]);
    expect(read([{ fromStream: '', toStream: 'ticket-b' }])).toHaveLength(6);
    expect(read([])).toEqual([]);
  });

  it('asks `keep` about the rows of the clauses that ask only, and takes a row any clause selects', () => {
    const asked: string[] = [];
    const rows = read(
      [
        { fromStream: 'ticket-', toStream: 'ticket.', types: ['Logged'], ask: true },
        { fromStream: 'ticket-a', toStream: 'ticket-b' },
        { fromStream: 'agreement-', toStream: 'agreement.', ask: true },
      ],
      (streamId, type) => {
        asked.push(`${streamId} ${type}`);
        return streamId !== 'ticket-c' && streamId !== 'agreement-x';
      },
    );
    expect(rows).toEqual(['1 ticket-a Logged', '2 ticket-b Logged', '5 ticket-a Noted', '9 ticket-a Noted']);
    // ticket-a's rows were selected without asking; every agreement row was asked about and refused.
    expect(asked).toEqual([
      'ticket-b Logged',
      'ticket-c Logged',
      'agreement-x Logged',
      'agreement-x Noted',
      'agreement-x Noted',
    ]);
  });

  it('refuses a stream bound on which its order and JavaScript might disagree', () => {
    expect(() => read([{ fromStream: 'ticket-\u00e9', toStream: null }])).toThrow(/not ASCII/);
  });

  it('samples the streams in proportion to their events, spread over global order', () => {
    // Positions 3, 6, 9 and 12.
    expect(store.sampleStreamIds(upTo, 4)).toEqual(['ticket-c', 'ticket-b', 'ticket-a', 'agreement-x']);
    // Every event once: each stream as often as it has events.
    const all = store.sampleStreamIds(upTo, 100);
    expect(all).toHaveLength(12);
    expect(
      new Set(
        ['ticket-a', 'ticket-b', 'ticket-c', 'agreement-x'].map((id) => all.filter((s) => s === id).length),
      ),
    ).toEqual(new Set([3]));
    // Up to a position: only the events before it.
    expect(store.sampleStreamIds(4n, 4)).toEqual(['ticket-a', 'ticket-b', 'ticket-c', 'agreement-x']);
  });
});
