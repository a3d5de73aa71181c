import { AgreementCommands, AgreementRepository, TicketCommands, systemClock } from '@app/application';
import { AgreementTerms, LogTicket } from '@app/domain';
import { SqliteEventStore, verifyEventChains } from '@app/event-store';
import { collectionsOf, recomputeReadModels, serviceDeskProjection } from '@app/projections';
import { SqliteReadStore } from '@app/read-store';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

  async function start(env: Record<string, string> = {}): Promise<void> {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [join(root, 'dist/apps/api/apps/api/src/main.js')], {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        SQLITE_SYNCHRONOUS: 'FULL',
        NODE_ENV: 'test',
        ...env,
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

  it('runs the process manager and the outbox through SIGKILLs: every due action and email happens exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'automation-crash-'));
    const env = { DATA_DIR: dir, AUTOMATION_INTERVAL_MS: '50', SQLITE_SYNCHRONOUS: 'NORMAL' };
    // History with deadlines long past: a Monday two to three weeks ago, at 12:00Z (office hours in Amsterdam).
    // The child process runs on the system clock: the history is placed relative to it.
    const monday = new Date(systemClock.now().getTime() - 14 * 86_400_000);
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
    const day = monday.toISOString().slice(0, 10);
    const atTime = (time: string) => new Date(`${day}T${time}Z`);
    const seed = new SqliteEventStore({ path: join(dir, 'events.db') });
    const agreements = new AgreementRepository(seed);
    const tickets = new TicketCommands(seed, agreements, systemClock);
    const admin = { principal: { id: 'admin-1', role: 'admin' as const, customers: ['*'] } };
    const agreementId = 'agr-crash';
    await new AgreementCommands(seed, systemClock).execute(
      agreementId,
      {
        type: 'CreateAgreement',
        data: { agreementId, customerId: 'acme', name: 'ACME', services: ['email'] },
      },
      admin,
    );
    await new AgreementCommands(seed, systemClock).execute(
      agreementId,
      {
        type: 'PublishAgreementVersion',
        data: { effectiveFrom: '2020-01-01T00:00:00Z', terms: acmeTerms as AgreementTerms },
      },
      admin,
    );
    const agent = { id: 'agent-1', role: 'agent' as const, customers: ['*'] };
    const resolvedIds: string[] = [];
    const waitingIds: string[] = [];
    for (let n = 0; n < 40; n++) {
      const ticketId = `auto-${n}`;
      const body = ticketBody(agreementId, { priority: 'P4' });
      await tickets.execute(
        ticketId,
        { type: 'LogTicket', data: { ...body, description: '', ticketId } as LogTicket['data'] },
        { principal: agent, occurredAt: atTime('12:00:00') },
      );
      await tickets.execute(
        ticketId,
        { type: 'AcknowledgeTicket', data: { assigneeId: 'agent-1' } },
        { principal: agent, occurredAt: atTime('12:05:00') },
      );
      if (n % 2 === 0) {
        await tickets.execute(
          ticketId,
          { type: 'ResolveTicket', data: { resolutionCode: 'fixed', notes: '' } },
          { principal: agent, occurredAt: atTime('12:30:00') },
        );
        resolvedIds.push(ticketId);
      } else {
        await tickets.execute(
          ticketId,
          { type: 'RequestUserInfo', data: { question: 'Which one?' } },
          { principal: agent, occurredAt: atTime('12:30:00') },
        );
        waitingIds.push(ticketId);
      }
    }
    await seed.close();

    const previous = dataDir;
    dataDir = dir;
    try {
      for (let round = 0; round < 3; round++) {
        await start(env);
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
        await kill();
      }
      await start(env);
      // Until the work is done: every due action taken and every notification delivered or skipped.
      const store = () => new SqliteEventStore({ path: join(dir, 'events.db') });
      let done = false;
      for (let attempt = 0; attempt < 200 && !done; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const events = store();
        const all = await events.readAll({ maxCount: 1_000_000 });
        await events.close();
        const count = (type: string) => all.filter((event) => event.type === type).length;
        done =
          count('TicketAutoClosed') === 20 &&
          count('UserManagerContacted') === 20 &&
          count('NotificationSent') === 40;
      }
      await kill();
      const events = store();
      const all = await events.readAll({ maxCount: 1_000_000 });
      await events.close();
      const byStream = (type: string) =>
        all
          .filter((event) => event.type === type)
          .map((event) => event.streamId)
          .sort();
      expect(byStream('TicketAutoClosed')).toEqual(resolvedIds.map((id) => `ticket-${id}`).sort());
      expect(byStream('UserReminderSent')).toEqual(waitingIds.map((id) => `ticket-${id}`).sort());
      expect(byStream('UserManagerContacted')).toEqual(waitingIds.map((id) => `ticket-${id}`).sort());
      // One delivery record per notification: 40 emails for the follow-ups; the tickets' logging, recorded
      // weeks after it happened (history brought in), owes no email.
      const sent = byStream('NotificationSent');
      expect(new Set(sent).size).toBe(40);
      expect(sent).toHaveLength(40);
      expect(byStream('NotificationSkipped')).toEqual([]);
      const files = readdirSync(join(dir, 'mail')).filter((file) => file.endsWith('.eml'));
      expect(files).toHaveLength(40);
      const sentIds = all
        .filter((event) => event.type === 'NotificationSent')
        .map((event) => `${event.streamId.slice('notification-'.length)}.eml`)
        .sort();
      expect(files.sort()).toEqual(sentIds);
    } finally {
      dataDir = previous;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
