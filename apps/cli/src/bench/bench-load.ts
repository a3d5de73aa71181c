import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParsedArgs, numberOption } from '../cli-args';
import { benchAgreementTerms, benchTicketBody } from './bench-fixtures';
import { startServer, stopServer } from './bench-append';

/** Resident memory of a process in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * `bench-load [--seconds 60]`: a bounded load test against 127.0.0.1 only: a mix of commands and queries from
 * 32 connections; prints throughput, p99 latency, the answers by status, and the API's memory over the run
 * (resident memory each second, and the live heap after a full collection every 10 s).
 */
export async function benchLoad(args: ParsedArgs): Promise<void> {
  const seconds = numberOption(args, 'seconds', 60);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const { child, url } = await startServer('api', dataDir, { AUTOMATION: 'on' });
  try {
    const admin = { authorization: 'Bearer dev-admin-token', 'content-type': 'application/json' };
    const agent = { authorization: 'Bearer dev-agent-token', 'content-type': 'application/json' };
    const { agreementId } = (await (
      await fetch(`${url}/agreements`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ customerId: 'acme', name: 'Load', services: ['email'] }),
      })
    ).json()) as { agreementId: string };
    await fetch(`${url}/agreements/${agreementId}/versions`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ effectiveFrom: '2020-01-01T00:00:00Z', terms: benchAgreementTerms }),
    });
    const tickets: string[] = [];
    for (let n = 0; n < 200; n++) {
      const response = await fetch(`${url}/tickets`, {
        method: 'POST',
        headers: agent,
        body: JSON.stringify(benchTicketBody(agreementId)),
      });
      tickets.push(((await response.json()) as { ticketId: string }).ticketId);
    }
    const pick = () => tickets[Math.floor(Math.random() * tickets.length)];
    const body = JSON.stringify(benchTicketBody(agreementId));
    const update = JSON.stringify({ channel: 'email', message: 'still on it' });
    const month = new Date().toISOString().slice(0, 7);
    const statuses = new Map<number, number>();
    const onResponse = (status: number) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    };
    const memory: number[] = [];
    const sampler = setInterval(() => memory.push(rssMb(child.pid as number)), 1000);
    // Every 10 s, the API's live heap after a full collection: a leak grows it, caches filling up do not.
    const heap: number[] = [];
    const onHeap = (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'heapUsedMb' in message)
        heap.push((message as { heapUsedMb: number }).heapUsedMb);
    };
    child.on('message', onHeap);
    const heapSampler = setInterval(() => child.send('heap'), 10_000);
    const result = await autocannon({
      url,
      connections: 32,
      duration: seconds,
      // Each connection cycles through this mix: 30% log ticket, 30% customer update, 40% queries.
      requests: [
        ...Array.from({ length: 3 }, () => ({
          method: 'POST' as const,
          path: '/tickets',
          headers: agent,
          body,
          onResponse,
        })),
        ...Array.from({ length: 3 }, () => ({
          method: 'POST' as const,
          path: '/tickets/x/record-customer-update',
          headers: agent,
          body: update,
          setupRequest: (request: autocannon.Request) => ({
            ...request,
            path: `/tickets/${pick()}/record-customer-update`,
          }),
          onResponse,
        })),
        ...Array.from({ length: 2 }, () => ({
          method: 'GET' as const,
          path: '/tickets/x',
          headers: agent,
          setupRequest: (request: autocannon.Request) => ({ ...request, path: `/tickets/${pick()}` }),
          onResponse,
        })),
        { method: 'GET' as const, path: '/tickets?customerId=acme&limit=20', headers: agent, onResponse },
        {
          method: 'GET' as const,
          path: `/reports/sla?customer=acme&month=${month}&groupBy=service,priority`,
          headers: agent,
          onResponse,
        },
      ],
    });
    clearInterval(sampler);
    clearInterval(heapSampler);
    child.off('message', onHeap);
    const unexpected = [...statuses].filter(([status]) => !(status >= 200 && status < 300) && status !== 409);
    console.log(`${seconds} s, 32 connections, mix: 30% log ticket, 30% customer update, 40% queries`);
    console.log(
      `throughput ${Math.round(result.requests.average).toLocaleString('en-US')} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
    );
    console.log(
      `answers: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ')}; connection errors ${result.errors}, timeouts ${result.timeouts}`,
    );
    const warm = memory.slice(Math.min(5, memory.length - 1));
    const third = Math.max(1, Math.floor(warm.length / 3));
    const avg = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    console.log(
      `API memory (RSS): first third ${avg(warm.slice(0, third)).toFixed(0)} MB, last third ${avg(warm.slice(-third)).toFixed(0)} MB, peak ${Math.max(...memory).toFixed(0)} MB`,
    );
    if (heap.length >= 3) {
      console.log(
        `API live heap after a full collection, every 10 s: ${heap.map((mb) => mb.toFixed(0)).join(', ')} MB`,
      );
    }
    if (unexpected.length > 0 || result.errors > 0) {
      console.error(`unexpected answers: ${JSON.stringify(unexpected)}`);
      process.exitCode = 1;
    }
  } finally {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
