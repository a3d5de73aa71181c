import { NewEvent, SqliteEventStore } from '@app/event-store';
import autocannon from 'autocannon';
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParsedArgs, numberOption } from '../cli-args';
import { benchAgreementTerms, benchTicketBody } from './bench-fixtures';

const event = (n: number): NewEvent => ({
  type: 'CustomerUpdateRecorded',
  schemaVersion: 1,
  data: { channel: 'email', message: `update ${n} with a realistic amount of text in it` },
  metadata: {
    actor: { id: 'agent-1', role: 'agent' },
    correlationId: randomUUID(),
    causationId: null,
    commandId: null,
    occurredAt: new Date(1_772_000_000_000 + n).toISOString(),
  },
});

async function forSeconds(seconds: number, work: () => Promise<number>): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let events = 0;
  while (performance.now() < deadline) events += await work();
  return events / ((performance.now() - started) / 1000);
}

/** Embedded store throughput for one durability setting: the figures DEVELOPERS.md compares with raw SQLite. */
async function storeFigures(synchronous: 'FULL' | 'NORMAL', seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-append-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.db'), synchronous });
  try {
    let n = 0;
    const single = await forSeconds(seconds, async () => {
      await store.appendToStream(`bench-${n}`, [event(n++)], { expectedRevision: 'no_stream' });
      return 1;
    });
    const concurrency = 64;
    const grouped = await forSeconds(seconds, async () => {
      await Promise.all(
        Array.from({ length: concurrency }, () =>
          store.appendToStream(`bench-${n}`, [event(n++)], { expectedRevision: 'no_stream' }),
        ),
      );
      return concurrency;
    });
    const batch = Array.from({ length: 100 }, (_, i) => event(i));
    const batched = await forSeconds(seconds, async () => {
      await store.appendToStream(`bench-${n++}`, batch, { expectedRevision: 'no_stream' });
      return batch.length;
    });
    const head = await store.headPosition();
    const readStarted = performance.now();
    let read = 0;
    for (let after = 0n; ;) {
      // The default page, which the product's readers of the whole log take (READ_ALL_PAGE).
      const page = await store.readAll({ after });
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1].globalPosition;
    }
    const readAll = read / ((performance.now() - readStarted) / 1000);
    return { synchronous, single, grouped, concurrency, batched, readAll, head };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function startServer(
  mode: ServerMode,
  dataDir: string,
  /** The process manager is off unless a benchmark measures it (a generated history has much due at once). */
  env: Record<string, string> = { AUTOMATION: 'off' },
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = fork(process.argv[1], ['bench-server', mode, String(port), dataDir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Lets the load test measure the live heap after a collection (nothing calls gc otherwise).
    execArgv: [...process.execArgv, '--expose-gc'],
    env: { SQLITE_SYNCHRONOUS: 'FULL', ...process.env, ...env },
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

export async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly failures: number;
}

async function load(options: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon({ connections: 32, pipelining: 1, ...options });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** The no-op endpoint on Nest as it comes, the same on the API's HTTP stack, or the API itself. */
type ServerMode = 'noop' | 'noop-api-stack' | 'api';

async function httpRound(seconds: number, mode: ServerMode): Promise<LoadResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const { child, url } = await startServer(mode, dataDir);
  try {
    if (mode !== 'api') {
      const request = {
        url: `${url}/noop`,
        method: 'POST' as const,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(benchTicketBody('noop')),
      };
      await load({ ...request, duration: 2 });
      return await load({ ...request, duration: seconds });
    }
    const admin = { authorization: 'Bearer dev-admin-token', 'content-type': 'application/json' };
    const created = await fetch(`${url}/agreements`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ customerId: 'acme', name: 'Bench', services: ['email'] }),
    });
    const { agreementId } = (await created.json()) as { agreementId: string };
    await fetch(`${url}/agreements/${agreementId}/versions`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ effectiveFrom: '2020-01-01T00:00:00Z', terms: benchAgreementTerms }),
    });
    const request = {
      url: `${url}/tickets`,
      method: 'POST' as const,
      headers: { authorization: 'Bearer dev-agent-token', 'content-type': 'application/json' },
      body: JSON.stringify(benchTicketBody(agreementId)),
    };
    await load({ ...request, duration: 2 });
    return await load({ ...request, duration: seconds });
  } finally {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const fmt = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * `bench-append`: embedded append throughput (single, concurrent, batched; FULL and NORMAL) and the
 * HTTP command path (log a ticket) against a no-op Nest endpoint, measured side by side in this run.
 */
export async function benchAppend(args: ParsedArgs): Promise<void> {
  const storeSeconds = numberOption(args, 'store-seconds', 3);
  const httpSeconds = numberOption(args, 'http-seconds', 10);
  const rounds = numberOption(args, 'rounds', 2);

  console.log(`Embedded event store (SQLite, WAL), ${storeSeconds} s per figure`);
  console.log(
    'synchronous | single appends/s | grouped (64 in flight) events/s | 100-event batches events/s | read all events/s',
  );
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    const f = await storeFigures(synchronous, storeSeconds);
    console.log(
      `${synchronous.padEnd(11)} | ${fmt(f.single).padStart(16)} | ${fmt(f.grouped).padStart(31)} | ${fmt(f.batched).padStart(26)} | ${fmt(f.readAll).padStart(17)}`,
    );
  }

  console.log(
    `\nHTTP, 32 connections, ${httpSeconds} s per run after a 2 s warm-up, ${rounds} alternating rounds`,
  );
  const noop: LoadResult[] = [];
  const stack: LoadResult[] = [];
  const api: LoadResult[] = [];
  const percent = (a: LoadResult, b: LoadResult) =>
    `${((a.requestsPerSecond / b.requestsPerSecond) * 100).toFixed(1)}%`;
  for (let round = 0; round < rounds; round++) {
    noop.push(await httpRound(httpSeconds, 'noop'));
    stack.push(await httpRound(httpSeconds, 'noop-api-stack'));
    api.push(await httpRound(httpSeconds, 'api'));
    const [n, s, a] = [noop[round], stack[round], api[round]];
    console.log(
      `  round ${round + 1}: no-op ${fmt(n.requestsPerSecond)} req/s, no-op on the API's stack ${fmt(s.requestsPerSecond)} req/s, command ${fmt(a.requestsPerSecond)} req/s (${percent(a, n)}; ${percent(a, s)})`,
    );
  }
  const mean = (results: LoadResult[]) =>
    results.reduce((sum, r) => sum + r.requestsPerSecond, 0) / results.length;
  for (const [name, results] of [
    ['no-op Nest endpoint', noop],
    ["no-op on the API's HTTP stack", stack],
    ['POST /tickets (command path)', api],
  ] as const) {
    console.log(
      `${name.padEnd(30)} ${fmt(mean(results)).padStart(7)} req/s  p99 ${Math.max(...results.map((r) => r.p99Ms))} ms  failures ${results.reduce((s, r) => s + r.failures, 0)}`,
    );
  }
  console.log(
    `command path / no-op Nest endpoint: ${((mean(api) / mean(noop)) * 100).toFixed(1)}% (target >= 40%)`,
  );
  // The API creates requests with Express's prototypes already set (apps/api/src/http/express-adapter.ts),
  // which doubles a no-op's throughput: against a no-op that has it too, the command path's own cost shows.
  console.log(
    `command path / no-op on the API's HTTP stack: ${((mean(api) / mean(stack)) * 100).toFixed(1)}% (the same target, against the faster yardstick)`,
  );
  if (api.some((r) => r.failures > 0)) {
    console.error('the command path answered errors under load');
    process.exitCode = 1;
  }
}
