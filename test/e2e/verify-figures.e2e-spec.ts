import { SqliteEventStore } from '@app/event-store';
import { rebuildProjection, serviceDeskProjection } from '@app/projections';
import { SqliteReadStore } from '@app/read-store';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../apps/cli/src/cli-args';
import { verifyFigures } from '../../apps/cli/src/commands/verify-figures';
import { generateHistory } from '../../apps/cli/src/generate/history-generator';
import { acmeTerms } from '../support/fixtures';

/** verify-figures: stored figures against a recomputation from the events. */
describe('verify-figures', () => {
  let dir: string;
  let output: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'verify-figures-'));
    const events = new SqliteEventStore({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
    await generateHistory(events, {
      tickets: 300,
      customers: 2,
      seed: 3,
      from: '2026-02-01T00:00:00Z',
      to: '2026-03-01T00:00:00Z',
      terms: acmeTerms as never,
    });
    const readStore = new SqliteReadStore({ path: join(dir, 'read.db') });
    await rebuildProjection(events, readStore, serviceDeskProjection);
    await readStore.close();
    await events.close();
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    output = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void output.push(line));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('reports zero drift when the read models equal a recomputation', async () => {
    await verifyFigures(parseArgs(['verify-figures', '--data-dir', dir]));
    expect(output.join('\n')).toMatch(/^ok: \d+ documents equal their recomputation from the events$/m);
    expect(process.exitCode).toBeUndefined();
  }, 60_000);

  it('finds nothing to say of an empty store', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'verify-figures-empty-'));
    try {
      await verifyFigures(parseArgs(['verify-figures', '--data-dir', empty]));
      expect(output).toEqual(['ok: 0 documents equal their recomputation from the events']);
      expect(process.exitCode).toBeUndefined();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);

  it('says how far behind the read models are', async () => {
    const events = new SqliteEventStore({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
    const head = await events.headPosition();
    await events.close();
    const store = new SqliteReadStore({ path: join(dir, 'read.db') });
    await store.commit(serviceDeskProjection.name, [], head - 1n);
    await store.close();
    try {
      await verifyFigures(parseArgs(['verify-figures', '--data-dir', dir]));
      expect(output[0]).toBe(
        `note: the read models are at position ${head - 1n}, the store at ${head}: start the API (or rebuild) to catch up first`,
      );
    } finally {
      const restore = new SqliteReadStore({ path: join(dir, 'read.db') });
      await restore.commit(serviceDeskProjection.name, [], head);
      await restore.close();
    }
  }, 60_000);

  it('names the document and the figure that drifted, with exit status 1', async () => {
    const db = new Database(join(dir, 'read.db'));
    const { id } = db
      .prepare(`SELECT id FROM "docs_ticket_facts" WHERE json_extract(doc, '$.breached') = 0 LIMIT 1`)
      .get() as { id: string };
    db.prepare(
      `UPDATE "docs_ticket_facts" SET doc = json_set(doc, '$.breached', json('true')) WHERE id = ?`,
    ).run(id);
    db.close();
    await verifyFigures(parseArgs(['verify-figures', '--data-dir', dir]));
    const text = output.join('\n');
    expect(text).toContain('DRIFT in 1 of');
    expect(text).toContain(`ticket_facts/${id}`);
    expect(text).toContain('breached: stored true, recomputed false');
    expect(process.exitCode).toBe(1);
  }, 60_000);

  it('names a document that only one side holds: one the store lost, one it should not have', async () => {
    const store = new SqliteReadStore({ path: join(dir, 'read.db') });
    const position = (await store.checkpoint(serviceDeskProjection.name))!.position;
    // The store's first and last tickets in id order: the walk in id order meets them at its two ends.
    const [first] = await store.find<{ id: string }>('tickets', {
      sort: { field: 'id', direction: 'asc' },
      limit: 1,
    });
    const [lost] = await store.find<{ id: string }>('tickets', {
      sort: { field: 'id', direction: 'desc' },
      limit: 1,
    });
    const extra = { ...first, id: `${first.id}-forged` };
    await store.commit(
      serviceDeskProjection.name,
      [
        { collection: 'tickets', id: lost.id, doc: null },
        { collection: 'tickets', id: extra.id, doc: extra },
      ],
      position,
    );
    await store.close();
    await verifyFigures(parseArgs(['verify-figures', '--data-dir', dir]));
    const text = output.join('\n');
    // The fact changed by the previous test, and these two.
    expect(text).toContain('DRIFT in 3 of');
    expect(text).toMatch(new RegExp(`tickets/${lost.id}\\n\\s+\\(document\\): stored null, recomputed \\{`));
    expect(text).toMatch(
      new RegExp(`tickets/${extra.id}\\n\\s+\\(document\\): stored \\{.*\\}, recomputed null`),
    );
    expect(process.exitCode).toBe(1);
  }, 60_000);
});
