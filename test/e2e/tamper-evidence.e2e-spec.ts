import { SqliteEventStore, eventHash, verifyEventChains } from '@app/event-store';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An auditor's check: someone edits the SQLite file behind the application's back; verify names the event. */
describe('tamper evidence of the embedded store', () => {
  let dir: string;
  let path: string;
  const event = (n: number) => ({
    type: 'CustomerUpdateRecorded',
    schemaVersion: 1,
    data: { channel: 'email', message: `update ${n}` },
    metadata: {
      actor: { id: 'agent-1', role: 'agent' },
      correlationId: 'c',
      causationId: null,
      commandId: null,
      occurredAt: '2026-03-02T09:00:00.000Z',
    },
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tamper-'));
    path = join(dir, 'events.db');
    const store = new SqliteEventStore({ path });
    for (const stream of ['ticket-a', 'ticket-b', 'ticket-c']) {
      await store.appendToStream(stream, [0, 1, 2, 3].map(event));
    }
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const verify = async () => {
    const store = new SqliteEventStore({ path });
    try {
      return await verifyEventChains(store);
    } finally {
      await store.close();
    }
  };
  const tamper = (sql: string): void => {
    const db = new Database(path);
    db.exec(sql);
    db.close();
  };

  it('verifies an untouched store', async () => {
    expect(await verify()).toEqual({ events: 12, streams: 3, broken: null });
  });

  it('names the stream and revision of an edited event', async () => {
    tamper(
      `UPDATE events SET data = '{"channel":"email","message":"nothing to see"}' WHERE stream_id = 'ticket-b' AND stream_revision = 2`,
    );
    expect((await verify()).broken).toMatchObject({
      streamId: 'ticket-b',
      streamRevision: 2,
      reason: 'the stored hash does not match the event: it was altered',
    });
  });

  it('catches an edit whose hash was recomputed, at the next event of the stream', async () => {
    // A careful forger rewrites who acted on revision 1 and recomputes its hash; revision 2 still chains to
    // the original hash, so the break shows there.
    const db = new Database(path);
    const rows = db
      .prepare(`SELECT * FROM events WHERE stream_id = 'ticket-c' ORDER BY stream_revision`)
      .all() as Array<{
      stream_revision: number;
      type: string;
      schema_version: number;
      data: string;
      metadata: string;
      hash: string;
    }>;
    const forgedMetadata = rows[1].metadata.replace('agent-1', 'agent-9');
    const forgedHash = eventHash(rows[0].hash, {
      streamId: 'ticket-c',
      streamRevision: 1,
      type: rows[1].type,
      schemaVersion: rows[1].schema_version,
      dataJson: rows[1].data,
      metadataJson: forgedMetadata,
    });
    db.prepare(
      `UPDATE events SET metadata = ?, hash = ? WHERE stream_id = 'ticket-c' AND stream_revision = 1`,
    ).run(forgedMetadata, forgedHash);
    db.close();
    expect((await verify()).broken).toMatchObject({
      streamId: 'ticket-c',
      streamRevision: 2,
      reason: 'the stored hash does not match the event: it was altered',
    });
  });

  it('notices a removed event', async () => {
    tamper(`DELETE FROM events WHERE stream_id = 'ticket-a' AND stream_revision = 1`);
    expect((await verify()).broken).toMatchObject({
      streamId: 'ticket-a',
      streamRevision: 2,
      reason: 'revision 2 follows 0: events are missing or reordered',
    });
  });
});
