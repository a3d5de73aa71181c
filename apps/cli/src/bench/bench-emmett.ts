import { NewEvent, SqliteEventStore } from '@app/event-store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParsedArgs, numberOption } from '../cli-args';

interface Contender {
  readonly name: string;
  append(stream: string, events: number): Promise<void>;
  close(): Promise<void>;
}

const payload = (n: number) => ({
  channel: 'email',
  message: `update ${n} with a realistic amount of text in it`,
});

async function ours(dir: string): Promise<Contender> {
  const store = new SqliteEventStore({ path: join(dir, 'ours.db'), synchronous: 'FULL' });
  const metadata: NewEvent['metadata'] = {
    actor: { id: 'agent-1', role: 'agent' },
    correlationId: randomUUID(),
    causationId: null,
    commandId: null,
    occurredAt: new Date(0).toISOString(),
  };
  return {
    name: 'this store (SQLite, FULL)',
    append: async (stream, count) => {
      await store.appendToStream(
        stream,
        Array.from({ length: count }, (_, n) => ({
          type: 'CustomerUpdateRecorded',
          schemaVersion: 1,
          data: payload(n),
          metadata,
        })),
        { expectedRevision: 'no_stream' },
      );
    },
    close: () => store.close(),
  };
}

async function emmett(dir: string): Promise<Contender> {
  // Loaded only here: the peer is a dev dependency of the benchmark, never of the product.
  const { getSQLiteEventStore } =
    (await import('@event-driven-io/emmett-sqlite')) as typeof import('@event-driven-io/emmett-sqlite');
  const store = getSQLiteEventStore({
    fileName: join(dir, 'emmett.db'),
    schema: { autoMigration: 'CreateOrUpdate' },
  });
  return {
    name: 'Emmett SQLite 0.38.5',
    append: async (stream, count) => {
      await store.appendToStream(
        stream,
        Array.from({ length: count }, (_, n) => ({ type: 'CustomerUpdateRecorded', data: payload(n) })),
      );
    },
    // Closing Emmett's connection while its statements finalise reports SQLITE_BUSY; the process ends anyway.
    close: async () => undefined,
  };
}

async function eventsPerSecond(contender: Contender, seconds: number, batch: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let events = 0;
  for (let n = 0; performance.now() < deadline; n++) {
    await contender.append(`ticket-${n}-${randomUUID()}`, batch);
    events += batch;
  }
  return events / ((performance.now() - started) / 1000);
}

/**
 * `bench-emmett`: the embedded store against the Emmett SQLite event store on the same workload (appends to
 * new streams, one event at a time and in batches of 100), alternating, in the same run.
 */
export async function benchEmmett(args: ParsedArgs): Promise<void> {
  const seconds = numberOption(args, 'seconds', 5);
  const rounds = numberOption(args, 'rounds', 2);
  const dir = mkdtempSync(join(tmpdir(), 'bench-emmett-'));
  try {
    const contenders = [await ours(dir), await emmett(dir)];
    const results = new Map<string, { single: number[]; batched: number[] }>(
      contenders.map((c) => [c.name, { single: [], batched: [] }]),
    );
    for (let round = 0; round < rounds; round++) {
      for (const contender of contenders) {
        const result = results.get(contender.name) as { single: number[]; batched: number[] };
        result.single.push(await eventsPerSecond(contender, seconds, 1));
        result.batched.push(await eventsPerSecond(contender, seconds, 100));
      }
    }
    await Promise.all(contenders.map((c) => c.close()));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
    console.log(`Appends to new streams, ${seconds} s per figure, ${rounds} alternating rounds`);
    console.log('store                        | single-event appends/s | events/s in 100-event batches');
    for (const [name, result] of results) {
      console.log(
        `${name.padEnd(28)} | ${fmt(mean(result.single)).padStart(22)} | ${fmt(mean(result.batched)).padStart(29)}`,
      );
    }
    const [a, b] = [...results.values()];
    console.log(
      `ratio (this store / Emmett): single ${(mean(a.single) / mean(b.single)).toFixed(1)}x, batches ${(mean(a.batched) / mean(b.batched)).toFixed(1)}x (target >= 2x)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
