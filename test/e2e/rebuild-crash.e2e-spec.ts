import { SqliteEventStore } from '@app/event-store';
import { collectionsOf, rebuildProjection, serviceDeskProjection } from '@app/projections';
import { SqliteReadStore } from '@app/read-store';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REBUILD_NODE_FLAGS } from '../../apps/cli/src/commands/rebuild';
import { generateHistory } from '../../apps/cli/src/generate/history-generator';
import { acmeTerms, unreadableEvent } from '../support/fixtures';

/**
 * A rebuild killed half-way leaves the live read models exactly as they were; the next rebuild completes.
 * Each rebuild runs as `npm run rebuild` runs it (REBUILD_NODE_FLAGS).
 */
describe('SIGKILL during a rebuild', () => {
  const root = join(__dirname, '..', '..');
  let dataDir: string;

  beforeAll(async () => {
    execFileSync('npx', ['nest', 'build', 'cli'], { cwd: root, stdio: 'ignore' });
    dataDir = mkdtempSync(join(tmpdir(), 'rebuild-crash-'));
    const events = new SqliteEventStore({ path: join(dataDir, 'events.db'), synchronous: 'NORMAL' });
    await generateHistory(events, {
      tickets: 4000,
      customers: 3,
      seed: 11,
      from: '2026-01-05T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
      terms: acmeTerms as never,
    });
    const readStore = new SqliteReadStore({ path: join(dataDir, 'read.db') });
    await rebuildProjection(events, readStore, serviceDeskProjection);
    await readStore.close();
    await events.close();
  }, 180_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const snapshot = async () => {
    const store = new SqliteReadStore({ path: join(dataDir, 'read.db') });
    try {
      const docs: string[] = [];
      for (const { collection } of collectionsOf(serviceDeskProjection)) {
        docs.push(
          ...(await store.find<{ id: string }>(collection, { sort: { field: 'id', direction: 'asc' } })).map(
            (d) => JSON.stringify(d),
          ),
        );
      }
      return { docs, checkpoint: await store.checkpoint(serviceDeskProjection.name) };
    } finally {
      await store.close();
    }
  };
  /** `rebuild` as `npm run rebuild` starts it, with more arguments; killed after `killAfterMs` if given. */
  const runRebuild = (options: { killAfterMs?: number; args?: string[] } = {}) =>
    new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
      const main = join(root, 'dist/apps/cli/apps/cli/src/main.js');
      const child = spawn(
        process.execPath,
        [...REBUILD_NODE_FLAGS, main, 'rebuild', '--data-dir', dataDir, ...(options.args ?? [])],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.once('exit', (code, signal) => resolve({ code, signal, stderr }));
      if (options.killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    });

  it('keeps the live read models untouched when killed, and completes the next time', async () => {
    const before = await snapshot();
    expect(before.docs.length).toBeGreaterThan(8000);
    const killed = await runRebuild({ killAfterMs: 400 });
    expect(killed.signal).toBe('SIGKILL');
    expect(await snapshot()).toEqual(before);
    const completed = await runRebuild();
    expect(completed.code).toBe(0);
    expect(existsSync(join(dataDir, 'read.db.rebuild'))).toBe(false);
    const after = await snapshot();
    expect(after.docs).toEqual(before.docs);
    expect(after.checkpoint?.position).toBe(before.checkpoint?.position);
  }, 180_000);

  it('refuses to swap in a rebuild that met an event it cannot read, naming it, whichever thread folded it', async () => {
    const before = await snapshot();
    const events = new SqliteEventStore({ path: join(dataDir, 'events.db'), synchronous: 'NORMAL' });
    // Several unreadable streams, so that the main thread and the worker both meet one.
    for (let i = 0; i < 6; i++) {
      await events.appendToStream(`ticket-from-the-future-${i}`, [unreadableEvent]);
    }
    await events.close();
    const { code, stderr } = await runRebuild({ args: ['--workers', '1'] });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/cannot apply TicketTeleported \(ticket-from-the-future-\d@0, position \d+\)/);
    expect(existsSync(join(dataDir, 'read.db.rebuild'))).toBe(false);
    expect(await snapshot()).toEqual(before);
  }, 180_000);
});
