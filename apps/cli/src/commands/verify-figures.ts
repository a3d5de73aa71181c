import { collectionsOf, rebuildProjection, serviceDeskProjection } from '@app/projections';
import { SqliteReadStore } from '@app/read-store';
import { ParsedArgs } from '../cli-args';
import { Progress } from '../progress';
import { openStores } from '../stores';

/** Field paths where two JSON values differ (at most `limit`). */
export function differences(a: unknown, b: unknown, path = '', limit = 10, found: string[] = []): string[] {
  if (found.length >= limit) return found;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      differences(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
        limit,
        found,
      );
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    found.push(`${path || '(document)'}: stored ${JSON.stringify(a)}, recomputed ${JSON.stringify(b)}`);
  }
  return found;
}

/**
 * `verify-figures`: recomputes every read-model document (tickets with their SLA figures and charges,
 * the report facts, agreements) from the events, up to the position the stored read models have reached,
 * and compares. Exit status 1 and a readable diff on any drift.
 */
export async function verifyFigures(args: ParsedArgs): Promise<void> {
  const { events, openReadStore } = await openStores(args);
  const readStore = await openReadStore();
  const recomputed = new SqliteReadStore({ path: ':memory:' });
  try {
    const checkpoint = await readStore.checkpoint(serviceDeskProjection.name);
    const head = await events.headPosition();
    if (!checkpoint || checkpoint.position !== head) {
      console.log(
        `note: the read models are at position ${checkpoint?.position ?? 0n}, the store at ${head}: start the API (or rebuild) to catch up first`,
      );
    }
    const progress = new Progress('recompute', 'events');
    await rebuildProjection(events, recomputed, serviceDeskProjection, {
      onProgress: (done, total) => progress.update(Number(done), Number(total)),
    });
    progress.done();
    let compared = 0;
    const drift: string[] = [];
    for (const { collection } of collectionsOf(serviceDeskProjection)) {
      const stored = new Map((await readStore.find<{ id: string }>(collection)).map((doc) => [doc.id, doc]));
      const fresh = new Map((await recomputed.find<{ id: string }>(collection)).map((doc) => [doc.id, doc]));
      for (const id of new Set([...stored.keys(), ...fresh.keys()])) {
        compared++;
        const found = differences(stored.get(id) ?? null, fresh.get(id) ?? null);
        if (found.length > 0) drift.push(`${collection}/${id}\n    ${found.join('\n    ')}`);
      }
    }
    if (drift.length > 0) {
      console.log(`DRIFT in ${drift.length} of ${compared} documents:\n  ${drift.slice(0, 50).join('\n  ')}`);
      process.exitCode = 1;
    } else {
      console.log(`ok: ${compared} documents equal their recomputation from the events`);
    }
  } finally {
    await recomputed.close();
    await readStore.close();
    await events.close();
  }
}
