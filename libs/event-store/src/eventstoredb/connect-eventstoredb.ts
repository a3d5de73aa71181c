import type { EventStore } from '../event-store.port';
import type { EventStoreDbOptions } from './eventstoredb-event-store';

/**
 * The EventStoreDB adapter, loaded only when it is configured: its gRPC client adds about 0.2 s and 20 MB
 * to every start of the API and the CLI, which the embedded default does not need.
 */
export async function connectEventStoreDb(
  url: string,
  options: EventStoreDbOptions = {},
): Promise<EventStore> {
  const { EventStoreDbEventStore } = await import('./eventstoredb-event-store');
  return EventStoreDbEventStore.connect(url, options);
}
