import { SqliteEventStore } from '@app/event-store';
import { SqliteReadStore } from '@app/read-store';
import { join, resolve } from 'node:path';
import { ParsedArgs } from './cli-args';

/** The embedded stores the API uses: $DATA_DIR (default ./data), or --data-dir. */
export function openEmbeddedStores(args: ParsedArgs) {
  const option = args.options.get('data-dir');
  const dataDir = resolve(typeof option === 'string' ? option : (process.env.DATA_DIR ?? 'data'));
  const synchronous =
    (process.env.SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase() === 'NORMAL' ? 'NORMAL' : 'FULL';
  return {
    dataDir,
    events: new SqliteEventStore({ path: join(dataDir, 'events.db'), synchronous }),
    /** Opened only by the commands that read the read models. */
    openReadStore: () => new SqliteReadStore({ path: join(dataDir, 'read.db') }),
  };
}
