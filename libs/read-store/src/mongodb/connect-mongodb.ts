import type { ReadStore } from '../read-store.port';
import type { MongoReadStoreOptions } from './mongo-read-store';

/**
 * The MongoDB adapter, loaded only when it is configured: the driver adds about 0.2 s and 20 MB to every
 * start of the API and the CLI, which the embedded default does not need.
 */
export async function connectMongoReadStore(
  url: string,
  options: MongoReadStoreOptions = {},
): Promise<ReadStore> {
  const { MongoReadStore } = await import('./mongo-read-store');
  return MongoReadStore.connect(url, options);
}
