import { EventStore } from '@app/event-store';
import { ReadStore } from '@app/read-store';
import { Projection, collectionsOf } from './projection';
import { ProjectionRunner, RunnerLogger } from './projection-runner';

/**
 * Rebuild = drop the projection's documents and checkpoint, then replay every event from position 0.
 * Run it while no other runner of the same projection is live (stop the API or the projector first).
 */
export async function rebuildProjection(
  events: EventStore,
  readStore: ReadStore,
  projection: Projection,
  options: {
    batchSize?: number;
    logger?: RunnerLogger;
    onProgress?: (position: bigint, head: bigint) => void;
  } = {},
): Promise<{ position: bigint }> {
  await readStore.reset(
    projection.name,
    collectionsOf(projection).map(({ collection }) => collection),
  );
  const runner = new ProjectionRunner(events, readStore, projection, {
    batchSize: options.batchSize ?? 5000,
    logger: options.logger,
    recentDocuments: 20_000,
  });
  // The tables were dropped with their indexes: load first, then build the indexes in one pass each.
  await runner.runToHead(options.onProgress, { indexAtEnd: true });
  return { position: runner.state.position };
}
