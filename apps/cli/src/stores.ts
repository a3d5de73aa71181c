import { EventStore } from '@app/event-store';
import { ReadStore } from '@app/read-store';
import {
  StoresConfig,
  StoresConfigError,
  loadStoresConfig,
  openEventStore,
  openReadStore,
} from '@app/stores';
import { ParsedArgs, UsageError } from './cli-args';

/** The stores the API uses (EVENT_STORE, READ_STORE, DATA_DIR, ...), with --data-dir for DATA_DIR. */
export function storesConfigOf(args: ParsedArgs): StoresConfig {
  const dataDir = args.options.get('data-dir');
  try {
    return loadStoresConfig({
      ...process.env,
      ...(typeof dataDir === 'string' ? { DATA_DIR: dataDir } : {}),
    });
  } catch (error) {
    if (error instanceof StoresConfigError) throw new UsageError(`configuration: ${error.message}`);
    throw error;
  }
}

/** The configured event store, and the read store for the commands that read it. */
export async function openStores(args: ParsedArgs): Promise<{
  config: StoresConfig;
  dataDir: string;
  events: EventStore;
  openReadStore: () => Promise<ReadStore>;
}> {
  const config = storesConfigOf(args);
  return {
    config,
    dataDir: config.dataDir,
    events: await openEventStore(config),
    openReadStore: () => openReadStore(config),
  };
}
