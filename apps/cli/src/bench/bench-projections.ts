import { deterministicId } from '@app/application';
import { SqliteEventStore } from '@app/event-store';
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParsedArgs, numberOption } from '../cli-args';
import { generateHistory } from '../generate/history-generator';
import { Progress } from '../progress';
import { benchAgreementTerms } from './bench-fixtures';
import { startServer, stopServer } from './bench-append';

const SEED = 42;

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1], args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${args[0]} exited with ${code}`)),
    );
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

async function generateInto(dataDir: string, tickets: number, customers: number): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const events = new SqliteEventStore({ path: join(dataDir, 'events.db'), synchronous: 'NORMAL' });
  const progress = new Progress('generate', 'tickets');
  const { events: count } = await generateHistory(events, {
    tickets,
    customers,
    seed: SEED,
    from: '2026-01-01T00:00:00Z',
    to: '2026-12-01T00:00:00Z',
    terms: benchAgreementTerms as never,
    onProgress: (done) => progress.update(done, tickets),
  });
  await events.close();
  console.log(
    `generated ${tickets.toLocaleString('en-US')} tickets, ${count.toLocaleString('en-US')} events in ${progress.done().toFixed(1)} s`,
  );
}

/**
 * `bench-projections`: generates a realistic history (default 150,000 tickets, about a million events),
 * rebuilds the read models in a separate process (throughput and its peak RSS), then measures the query
 * latencies of the API on that data.
 */
export async function benchProjections(args: ParsedArgs): Promise<void> {
  const tickets = numberOption(args, 'tickets', 150_000);
  const customers = numberOption(args, 'customers', 5);
  const samples = numberOption(args, 'samples', 200);
  // --data-dir DIR keeps the generated history there and reuses it on the next run.
  const kept = args.options.get('data-dir');
  const dataDir = typeof kept === 'string' ? kept : mkdtempSync(join(tmpdir(), 'bench-projections-'));
  const reuse = typeof kept === 'string' && existsSync(join(kept, 'events.db'));
  try {
    if (!reuse) await generateInto(dataDir, tickets, customers);
    else console.log(`reusing the history in ${dataDir}`);

    // --skip-rebuild with a kept --data-dir measures the queries again on the read models already built.
    if (reuse && args.options.get('skip-rebuild') === true) console.log('read models kept as they are');
    else console.log((await runChild(['rebuild', '--data-dir', dataDir])).trim());

    const { child, url } = await startServer('api', dataDir);
    try {
      const headers = { authorization: 'Bearer dev-reporting-token' };
      const random = (n: number) => Math.floor(Math.random() * n);
      const routes: Array<[string, () => string]> = [
        [
          'GET /tickets (customer, 50 newest)',
          () => `/tickets?customerId=customer-${1 + random(customers)}&limit=50`,
        ],
        ['GET /tickets (breached, P1)', () => `/tickets?breached=true&priority=P1&limit=50`],
        [
          'GET /tickets/{id} (live clock)',
          () => `/tickets/${deterministicId('generated', String(SEED), String(random(tickets)))}`,
        ],
        [
          'GET /reports/sla (service, priority)',
          () =>
            `/reports/sla?customer=customer-${1 + random(customers)}&month=2026-${String(1 + random(11)).padStart(2, '0')}&groupBy=service,priority`,
        ],
        [
          'GET /reports/charges',
          () =>
            `/reports/charges?customer=customer-${1 + random(customers)}&month=2026-${String(1 + random(11)).padStart(2, '0')}`,
        ],
      ];
      console.log(`\nquery latency over ${samples} requests each (sequential, after 20 warm-up requests):`);
      for (const [name, path] of routes) {
        const timings: number[] = [];
        for (let i = 0; i < samples + 20; i++) {
          const started = performance.now();
          const response = await fetch(`${url}${path()}`, { headers });
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`${name}: ${response.status}`);
          if (i >= 20) timings.push(performance.now() - started);
        }
        timings.sort((a, b) => a - b);
        console.log(
          `${name.padEnd(40)} p50 ${percentile(timings, 0.5).toFixed(1)} ms  p99 ${percentile(timings, 0.99).toFixed(1)} ms (target p99 < 20 ms)`,
        );
      }
    } finally {
      await stopServer(child);
    }
  } finally {
    if (typeof kept !== 'string') rmSync(dataDir, { recursive: true, force: true });
  }
}
