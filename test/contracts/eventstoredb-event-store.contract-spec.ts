import { EventStoreDbEventStore } from '@app/event-store/eventstoredb/eventstoredb-event-store';
import { eventStoreContract } from './event-store.contract';

/**
 * The event store contract against EventStoreDB, when EVENTSTORE_URL names a server
 * (e.g. `esdb://localhost:2113?tls=false`, as `docker compose up eventstore` starts it).
 */
const url = process.env.EVENTSTORE_URL;
if (url) {
  eventStoreContract(`EventStoreDB (${url})`, async () => {
    const store = EventStoreDbEventStore.connect(url, { reconnectDelayMs: 100 });
    return { store, dispose: () => store.close() };
  });
} else {
  describe('event store contract: EventStoreDB', () => {
    it.skip('skipped: no server (EVENTSTORE_URL is not set; e.g. esdb://localhost:2113?tls=false)', () => {});
  });
}
