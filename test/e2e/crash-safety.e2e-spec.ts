import { SqliteEventStore, verifyEventChains } from '@app/event-store';
import { collectionsOf, recomputeReadModels, serviceDeskProjection } from '@app/projections';
import { SqliteReadStore } from '@app/read-store';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acmeTerms, ticketBody } from '../support/fixtures';

/**
 * The API is killed (SIGKILL) in the middle of heavy appends, several times, and restarted: every command it
 * acknowledged is there, nothing is duplicated, the hash chains hold, and the read models it keeps projecting
 * equal a fresh recomputation from the events.
 */
describe('crash safety under SIGKILL', () => {
  const root = join(__dirname, '..', '..');
  let dataDir: string;
  let child: ChildProcess | null = null;
  let url = '';

  beforeAll(() => {
    execFileSync('npx', ['nest', 'build', 'api'], { cwd: root, stdio: 'ignore' });
    dataDir = mkdtempSync(join(tmpdir(), 'crash-'));
  }, 120_000);
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const freePort = () =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });

  async function start(): Promise<void> {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [join(root, 'dist/apps/api/apps/api/src/main.js')], {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        SQLITE_SYNCHRONOUS: 'FULL',
        NODE_ENV: 'test',
      },
      stdio: 'ignore',
    });
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        if ((await fetch(`${url}/health`)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the API did not start');
  }

  function kill(): Promise<void> {
    const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
    child?.kill('SIGKILL');
    return exited.then(() => {
      child = null;
    });
  }

  const post = (path: string, body: object, token: string, key?: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
    });

  it('keeps every acknowledged command, duplicates none, and projects exactly what the events say', async () => {
    await start();
    const agreement = (await (
      await post('/agreements', { customerId: 'acme', name: 'ACME', services: ['email'] }, 'dev-admin-token')
    ).json()) as { agreementId: string };
    await post(
      `/agreements/${agreement.agreementId}/versions`,
      { effectiveFrom: '2020-01-01T00:00:00Z', terms: acmeTerms },
      'dev-admin-token',
    );

    const acknowledged = new Map<string, string>(); // idempotency key -> ticket id
    const tried: string[] = [];
    for (let round = 0; round < 3; round++) {
      if (!child) await start();
      let stop = false;
      const workers = Array.from({ length: 12 }, async (_, worker) => {
        for (let n = 0; !stop; n++) {
          const key = `r${round}-w${worker}-${n}`;
          tried.push(key);
          try {
            const response = await post(
              '/tickets',
              ticketBody(agreement.agreementId),
              'dev-agent-token',
              key,
            );
            if (response.status === 201) {
              const { ticketId } = (await response.json()) as { ticketId: string };
              acknowledged.set(key, ticketId);
              // A follow-up command on the same ticket, acknowledged or not when the process dies.
              const ack = await post(`/tickets/${ticketId}/acknowledge`, {}, 'dev-agent-token', `${key}-ack`);
              if (ack.status === 200) acknowledged.set(`${key}-ack`, ticketId);
            }
          } catch {
            return; // the connection died with the process: this command was not acknowledged
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 700));
      await kill();
      stop = true;
      await Promise.all(workers);
    }
    expect(acknowledged.size).toBeGreaterThan(50);

    await start();
    // Every acknowledged command is there; a retry of any key that was tried finds its first result.
    for (const [key, ticketId] of acknowledged) {
      if (key.endsWith('-ack')) continue;
      const retry = await post('/tickets', ticketBody(agreement.agreementId), 'dev-agent-token', key);
      expect([key, retry.status]).toEqual([key, 201]);
      expect(((await retry.json()) as { ticketId: string }).ticketId).toBe(ticketId);
      const detail = (await (
        await fetch(`${url}/tickets/${ticketId}`, { headers: { authorization: 'Bearer dev-agent-token' } })
      ).json()) as { status: string };
      if (acknowledged.has(`${key}-ack`)) expect(detail.status).toBe('in_progress');
    }
    // The projection catches up from its checkpoint.
    for (let attempt = 0; attempt < 100; attempt++) {
      const health = (await (await fetch(`${url}/health`)).json()) as { projections: Array<{ lag: string }> };
      if (health.projections[0].lag === '0') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await kill();

    const events = new SqliteEventStore({ path: join(dataDir, 'events.db') });
    const readStore = new SqliteReadStore({ path: join(dataDir, 'read.db') });
    try {
      const all = await events.readAll({ maxCount: 1_000_000 });
      // No duplicates: one TicketLogged per idempotency key at most, none for a key never tried.
      const logged = all.filter((event) => event.type === 'TicketLogged');
      expect(new Set(logged.map((event) => event.streamId)).size).toBe(logged.length);
      expect(logged.length).toBeLessThanOrEqual(tried.length);
      expect(logged.length).toBeGreaterThanOrEqual(
        [...acknowledged.keys()].filter((k) => !k.endsWith('-ack')).length,
      );
      expect((await verifyEventChains(events)).broken).toBeNull();
      // The read models the killed process kept projecting equal a recomputation from the events.
      const { store: fresh } = await recomputeReadModels(events);
      for (const { collection } of collectionsOf(serviceDeskProjection)) {
        const sorted = async (store: SqliteReadStore) =>
          (await store.find<{ id: string }>(collection, { sort: { field: 'id', direction: 'asc' } })).map(
            (doc) => JSON.stringify(doc),
          );
        expect([collection, await sorted(readStore)]).toEqual([collection, await sorted(fresh)]);
      }
      await fresh.close();
    } finally {
      await events.close();
      await readStore.close();
    }
  }, 180_000);

  it('on SIGTERM finishes the requests in flight, commits their events and stores the projection checkpoint', async () => {
    await start();
    const agreementId = (
      (await (
        await post('/agreements', { customerId: 'acme', name: 'A2', services: ['email'] }, 'dev-admin-token')
      ).json()) as { agreementId: string }
    ).agreementId;
    await post(
      `/agreements/${agreementId}/versions`,
      { effectiveFrom: '2020-01-01T00:00:00Z', terms: acmeTerms },
      'dev-admin-token',
    );
    const process_ = child as ChildProcess;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      process_.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const requests = Array.from({ length: 40 }, (_, n) =>
      post('/tickets', ticketBody(agreementId), 'dev-agent-token', `term-${n}`).then(
        async (response) => ({
          status: response.status,
          body: (await response.json()) as { ticketId?: string },
        }),
        () => null, // refused after the server stopped listening: never received, never acknowledged
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 15));
    process_.kill('SIGTERM');
    const answers = await Promise.all(requests);
    const exit = await exited;
    child = null;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    const answered = answers.filter((answer) => answer !== null);
    expect(answered.length).toBeGreaterThan(0);
    answered.forEach((answer) => expect(answer?.status).toBe(201));

    const events = new SqliteEventStore({ path: join(dataDir, 'events.db') });
    const readStore = new SqliteReadStore({ path: join(dataDir, 'read.db') });
    try {
      const all = await events.readAll({ maxCount: 1_000_000 });
      const loggedStreams = new Set(
        all.filter((event) => event.type === 'TicketLogged').map((event) => event.streamId),
      );
      for (const answer of answered) expect(loggedStreams.has(`ticket-${answer?.body.ticketId}`)).toBe(true);
      // The projection finished its batch and stored its checkpoint before the stores closed.
      expect((await readStore.checkpoint(serviceDeskProjection.name))?.position).toBe(
        await events.headPosition(),
      );
    } finally {
      await events.close();
      await readStore.close();
    }
  }, 60_000);
});
