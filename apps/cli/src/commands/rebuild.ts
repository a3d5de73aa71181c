import { rebuildProjection, serviceDeskProjection } from '@app/projections';
import { SqliteReadStore } from '@app/read-store';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ParsedArgs } from '../cli-args';
import { Progress } from '../progress';
import { openEmbeddedStores } from '../stores';

/**
 * `rebuild`: replay every event into a fresh read store, then swap it in place of the old one (blue/green):
 * a crash or an unreadable event leaves the current read models untouched. Stop the API first: it runs the
 * same projection on the same file.
 */
export async function rebuild(args: ParsedArgs): Promise<void> {
  const { dataDir, events } = openEmbeddedStores(args);
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
    const { position } = await rebuildProjection(events, target, serviceDeskProjection, {
      onProgress: (done, total) => progress.update(Number(done), Number(total)),
    });
    await target.close();
    const seconds = progress.done();
    removeFiles(live);
    renameSync(fresh, live);
    console.log(
      `rebuilt to position ${position}: ${Math.round(Number(position) / seconds).toLocaleString('en-US')} events/s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  } catch (error) {
    await target.close();
    removeFiles(fresh);
    throw error;
  } finally {
    await events.close();
    if (existsSync(fresh)) removeFiles(fresh);
  }
}
