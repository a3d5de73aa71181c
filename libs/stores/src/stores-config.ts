import { EventStore, SqliteEventStore, connectEventStoreDb } from '@app/event-store';
import { ReadStore, SqliteReadStore, connectMongoReadStore } from '@app/read-store';
import { join, resolve } from 'node:path';

/** Where events and read models live: the embedded SQLite default, or the production servers. */
export interface StoresConfig {
  /** Folder of the embedded stores (also used for import rejects and rebuild files). */
  readonly dataDir: string;
  readonly eventStore:
    | { readonly kind: 'embedded'; readonly path: string; readonly synchronous: 'FULL' | 'NORMAL' }
    | { readonly kind: 'eventstoredb'; readonly url: string };
  readonly readStore:
    { readonly kind: 'embedded'; readonly path: string } | { readonly kind: 'mongodb'; readonly url: string };
  /**
   * `in-process`: the API runs the projections itself (the embedded default); `external`: the projector
   * app does, and the API follows their checkpoints.
   */
  readonly projections: 'in-process' | 'external';
}

export class StoresConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'StoresConfigError';
  }
}

/** Reads EVENT_STORE, READ_STORE, EVENTSTORE_URL, MONGODB_URL, PROJECTIONS, DATA_DIR, SQLITE_SYNCHRONOUS. */
export function loadStoresConfig(env: NodeJS.ProcessEnv = process.env): StoresConfig {
  const problems: string[] = [];
  const dataDir = resolve(env.DATA_DIR ?? 'data');
  const eventStoreKind = env.EVENT_STORE ?? 'embedded';
  const readStoreKind = env.READ_STORE ?? 'embedded';
  const synchronous = (env.SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
    problems.push(`SQLITE_SYNCHRONOUS must be FULL or NORMAL, not "${env.SQLITE_SYNCHRONOUS}"`);
  let eventStore: StoresConfig['eventStore'] | null = null;
  if (eventStoreKind === 'embedded') {
    eventStore = { kind: 'embedded', path: join(dataDir, 'events.db'), synchronous: synchronous as 'FULL' };
  } else if (eventStoreKind === 'eventstoredb') {
    const url = env.EVENTSTORE_URL;
    if (!url || !/^esdb(\+discover)?:\/\//.test(url))
      problems.push(
        'EVENT_STORE=eventstoredb needs EVENTSTORE_URL=esdb://host:2113?tls=false (or esdb+discover://)',
      );
    else eventStore = { kind: 'eventstoredb', url };
  } else problems.push(`EVENT_STORE must be embedded or eventstoredb, not "${eventStoreKind}"`);
  let readStore: StoresConfig['readStore'] | null = null;
  if (readStoreKind === 'embedded') {
    readStore = { kind: 'embedded', path: join(dataDir, 'read.db') };
  } else if (readStoreKind === 'mongodb') {
    const url = env.MONGODB_URL;
    if (!url || !/^mongodb(\+srv)?:\/\//.test(url))
      problems.push('READ_STORE=mongodb needs MONGODB_URL=mongodb://host:27017/service_desk?replicaSet=rs0');
    else readStore = { kind: 'mongodb', url };
  } else problems.push(`READ_STORE must be embedded or mongodb, not "${readStoreKind}"`);
  const projections = env.PROJECTIONS ?? 'in-process';
  if (projections !== 'in-process' && projections !== 'external')
    problems.push(`PROJECTIONS must be in-process or external, not "${projections}"`);
  if (problems.length > 0 || !eventStore || !readStore) throw new StoresConfigError(problems);
  return { dataDir, eventStore, readStore, projections: projections as StoresConfig['projections'] };
}

/** Says where the stores are, for the start-up log (no credentials). */
export function describeStores(config: StoresConfig, { projections = true } = {}): string {
  const hide = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');
  const events = config.eventStore.kind === 'embedded' ? config.eventStore.path : hide(config.eventStore.url);
  const reads = config.readStore.kind === 'embedded' ? config.readStore.path : hide(config.readStore.url);
  const where = `events: ${config.eventStore.kind} (${events}); read models: ${config.readStore.kind} (${reads})`;
  return projections ? `${where}; projections: ${config.projections}` : where;
}

export interface OpenOptions {
  /** The application's clock, for the times the stores record. */
  readonly now?: () => Date;
  readonly logger?: { warn(message: string): void };
}

/** The configured event store (the EventStoreDB client is loaded only when configured). */
export async function openEventStore(config: StoresConfig, options: OpenOptions = {}): Promise<EventStore> {
  if (config.eventStore.kind === 'embedded') {
    return new SqliteEventStore({
      path: config.eventStore.path,
      synchronous: config.eventStore.synchronous,
      now: options.now,
    });
  }
  return connectEventStoreDb(config.eventStore.url, { logger: options.logger, now: options.now });
}

/** The configured read store; MongoDB is connected (and so checked) before it is returned. */
export async function openReadStore(
  config: StoresConfig,
  options: OpenOptions & { readonly path?: string; readonly bulkLoad?: boolean } = {},
): Promise<ReadStore> {
  if (config.readStore.kind === 'embedded') {
    return new SqliteReadStore({
      path: options.path ?? config.readStore.path,
      bulkLoad: options.bulkLoad,
      now: options.now,
    });
  }
  return connectMongoReadStore(config.readStore.url, { now: options.now });
}
