import { rebuildProjection, serviceDeskProjection } from '@app/projections';
import { ParsedArgs } from '../cli-args';
import { Progress } from '../progress';
import { openEmbeddedStores } from '../stores';

/** `rebuild`: drop the read models and replay every event. Stop the API first: it runs the same projection. */
export async function rebuild(args: ParsedArgs): Promise<void> {
  const { dataDir, events, readStore } = openEmbeddedStores(args);
  try {
    const head = await events.headPosition();
    console.error(`rebuilding ${serviceDeskProjection.name} in ${dataDir} from ${head} events`);
    const progress = new Progress('rebuild', 'events');
    const { position } = await rebuildProjection(events, readStore, serviceDeskProjection, {
      onProgress: (done, total) => progress.update(Number(done), Number(total)),
    });
    const seconds = progress.done();
    console.log(
      `rebuilt to position ${position}: ${Math.round(Number(position) / seconds).toLocaleString('en-US')} events/s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  } finally {
    await events.close();
    await readStore.close();
  }
}
