import { EventStore, SqliteEventStore } from '@app/event-store';
import { rebuildProjection, serviceDeskProjection } from '@app/projections';
import { ReadStore, SqliteReadStore } from '@app/read-store';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { ParsedArgs, numberOption } from '../cli-args';
import { Progress } from '../progress';
import { openStores } from '../stores';
import { rebuildInParallel } from './parallel-rebuild';
import { syncToDisk } from './sync-to-disk';

/**
 * The Node flags a rebuild runs with (`npm run rebuild`, the benchmark's rebuild): V8 collects garbage on
 * the thread that allocated it. The rebuild keeps a JavaScript thread on every core (up to four), so V8's
 * helper threads for parallel and concurrent collection only take turns with them: on two cores the
 * rebuild is ~3% faster without them (docs/performance.md, thirteenth session). They cannot be set once
 * the process runs (V8 aborts).
 */
export const REBUILD_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/**
 * `rebuild`: replay every event into a fresh read store, then swap it in place of the old one (blue/green):
 * a crash or an unreadable event leaves the current read models untouched. Stop the API first: it runs the
 * same projection on the same file. With the embedded event store the documents are folded side by side
 * by this thread and `--workers` worker threads (default: cores - 1, at least 1, at most 3).
 */
export async function rebuild(args: ParsedArgs): Promise<void> {
  // Options are checked before anything is opened or written.
  const workers = numberOption(args, 'workers', Math.max(1, Math.min(3, availableParallelism() - 1)));
  const { config, dataDir, events, openReadStore } = await openStores(args);
  if (config.readStore.kind !== 'embedded') {
    await rebuildInPlace(events, await openReadStore());
    return;
  }
  const live = join(dataDir, 'read.db');
  const fresh = join(dataDir, 'read.db.rebuild');
  const removeFiles = (path: string) =>
    ['', '-wal', '-shm'].forEach((suffix) => rmSync(path + suffix, { force: true }));
  removeFiles(fresh);
  const target = new SqliteReadStore({ path: fresh, bulkLoad: true });
  try {
    const head = await events.headPosition();
    console.error(`rebuilding ${serviceDeskProjection.name} in ${dataDir} from ${head} events`);
    const progress = new Progress('rebuild', 'events');
    const onProgress = (done: bigint, total: bigint) => progress.update(Number(done), Number(total));
    let phases = '';
    let position: bigint;
    if (config.eventStore.kind === 'embedded' && events instanceof SqliteEventStore) {
      const rebuilt = await rebuildInParallel({
        eventsPath: config.eventStore.path,
        events,
        target,
        targetPath: fresh,
        projection: serviceDeskProjection,
        workers,
        onProgress,
      });
      position = rebuilt.position;
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      const gc = REBUILD_NODE_FLAGS.every((flag) => process.execArgv.includes(flag))
        ? 'single-threaded GC'
        : `GC with helper threads: run it with ${REBUILD_NODE_FLAGS.join(' ')}`;
      phases = ` (this thread and ${workers} worker${workers === 1 ? '' : 's'} folding ${s(rebuilt.foldMs)}, of which writing ${s(rebuilt.writeMs)}; indexes ${s(rebuilt.indexMs)}; ${gc})`;
    } else {
      position = (await rebuildProjection(events, target, serviceDeskProjection, { onProgress })).position;
    }
    await target.close();
    // The fresh file was loaded without syncs (a crash while loading leaves a file that is discarded): it
    // is made durable before it replaces the live one, and the replacement after, so that a power loss
    // never leaves a read store whose checkpoint claims documents the disk does not hold. Part of the time.
    await syncToDisk(fresh);
    // The live file's WAL would be replayed onto the new file: removed first (the API is stopped).
    for (const suffix of ['-wal', '-shm']) rmSync(live + suffix, { force: true });
    renameSync(fresh, live);
    await syncToDisk(dirname(live));
    const seconds = progress.done();
    console.log(
      `rebuilt to position ${position}: ${Math.round(Number(position) / seconds).toLocaleString('en-US')} events/s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB${phases}`,
    );
  } catch (error) {
    target.discard();
    removeFiles(fresh);
    throw error;
  } finally {
    await events.close();
    if (existsSync(fresh)) removeFiles(fresh);
  }
}

/**
 * A rebuild in the read store itself (MongoDB): drop the projection's documents and checkpoint, replay
 * everything, build the indexes. Stop the projector (and any API running PROJECTIONS=in-process) first;
 * queries see partial read models until it ends.
 */
async function rebuildInPlace(events: EventStore, target: ReadStore): Promise<void> {
  try {
    const head = await events.headPosition();
    console.error(`rebuilding ${serviceDeskProjection.name} in place up to position ${head}`);
    const progress = new Progress('rebuild', 'position');
    const { position } = await rebuildProjection(events, target, serviceDeskProjection, {
      onProgress: (done, total) => progress.update(Number(done), Number(total)),
    });
    const seconds = progress.done();
    console.log(`rebuilt to position ${position} in ${seconds.toFixed(1)} s`);
  } finally {
    await target.close();
    await events.close();
  }
}
