import { SqliteEventStore } from '@app/event-store';
import {
  PartitionIo,
  Projection,
  WrittenKey,
  collectionsOf,
  rebuildPartition,
  sharedRowNumbers,
  streamBounds,
} from '@app/projections';
import { DocumentWrite, PreparedWrite, SqliteReadStore, indexedFields, prepareWrite } from '@app/read-store';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { syncToDisk } from './sync-to-disk';

/** What a partition's worker is given. */
export interface WorkerInput {
  readonly eventsPath: string;
  readonly partitions: number;
  readonly owned: readonly number[];
  /** Global position the rebuild replays up to (as a decimal string). */
  readonly head: string;
  readonly capacity: number;
  readonly batchSize: number;
  /** The row number counter every thread of the rebuild draws from (`sharedRowNumbers`). */
  readonly rowNumbers: SharedArrayBuffer;
  /** The partitions' stream ranges (`streamBounds`), the same in every thread. */
  readonly streamBounds: readonly string[];
}

export type FromWorker =
  | { readonly kind: 'write'; readonly writes: readonly PreparedWrite[] }
  | { readonly kind: 'load'; readonly request: number; readonly keys: readonly WrittenKey[] }
  | { readonly kind: 'progress'; readonly position: string }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly message: string };

export type ToWorker =
  | { readonly kind: 'written' }
  | {
      readonly kind: 'loaded';
      readonly request: number;
      readonly docs: ReadonlyArray<WrittenKey & { readonly doc: object | null }>;
    };

/**
 * Events per read. A batch stays reachable until it is folded, so a large one survives the young
 * generation's collections and is copied and promoted: 4,000 spent 21% of a thread in garbage collection,
 * 500 16%. 1,000 keeps the write transactions large enough (docs/performance.md, fifth session).
 */
const BATCH_SIZE = 1000;

/**
 * Partitions folded by this thread and by each worker. This thread also writes everything, so it folds a
 * smaller share: with one worker, three to four had both threads finish within ~0.3 s of each other
 * (docs/performance.md, eighth session); since ticket documents are written in two rows (their columns,
 * their JSON), this thread finished 0.8-1.9 s after the worker with that split, and with five to eight
 * within 0.2-0.6 s of it, either first (eleventh session).
 */
const MAIN_SHARE = 5;
const WORKER_SHARE = 8;

/**
 * Stream ids sampled to divide the streams into ranges of about as many events (`streamBounds`): each
 * sample is a read of its own (~30 us here, 4,096 took 0.12 s), and 1,024 put a range's share within a
 * few percent.
 */
const STREAM_SAMPLE = 1024;

/**
 * Rebuilds a projection of the embedded event store into a fresh SQLite read store with worker threads.
 * The documents are divided into partitions (every document is the fold of its own events, see
 * PartitionedFold): each worker folds WORKER_SHARE of them and sends what it folds, serialized; this thread
 * folds MAIN_SHARE and writes everything, so that on n cores n threads are busy and finish about together. Then it sets the checkpoint and builds the
 * indexes. Events appended after the rebuild started are left to the runner that takes over from there.
 */
export async function rebuildInParallel(options: {
  /** The event store file, which each worker opens for itself. */
  readonly eventsPath: string;
  /** That file as this thread has it open: it reads its own partitions through it. */
  readonly events: SqliteEventStore;
  readonly target: SqliteReadStore;
  readonly projection: Projection;
  /** Worker threads besides this one. */
  readonly workers: number;
  /**
   * The target's file: the documents are written back to disk (an fsync on libuv's thread pool) while
   * this thread builds the indexes, so that the sync which makes the rebuild durable is left with little.
   */
  readonly targetPath?: string;
  /** Documents each thread holds before writing out those unchanged longest (see PartitionedFold). */
  readonly capacity?: number;
  readonly onProgress?: (position: bigint, head: bigint) => void;
}): Promise<{ position: bigint; foldMs: number; writeMs: number; indexMs: number }> {
  const { target, projection } = options;
  const collections = collectionsOf(projection);
  await target.reset(
    projection.name,
    collections.map(({ collection }) => collection),
  );
  // Columns now, indexes once loaded: building an index in one pass is faster than keeping it up to date.
  for (const { collection, indexes } of collections) await target.prepareIndexes(collection, indexes);
  const head = await options.events.headPosition();
  const workerCount = Math.max(1, Math.floor(options.workers));
  const partitions = MAIN_SHARE + WORKER_SHARE * workerCount;
  const bounds = streamBounds(options.events.sampleStreamIds(head, STREAM_SAMPLE), partitions);
  const capacity = Math.ceil((options.capacity ?? 16_000) / (workerCount + 1));
  // Thread 0 is this one; thread k >= 1 is worker k.
  const positions = new Array<bigint>(workerCount + 1).fill(0n);
  const onProgress = (thread: number, position: bigint) => {
    positions[thread] = position;
    options.onProgress?.(
      positions.reduce((low, reached) => (reached < low ? reached : low)),
      head,
    );
  };
  const started = performance.now();
  const timed = { writeMs: 0 };
  const write = (writes: readonly PreparedWrite[]) => {
    timed.writeMs -= performance.now();
    target.writePrepared(writes);
    timed.writeMs += performance.now();
  };
  // From the TypeScript sources (ts-jest) a worker thread cannot load the worker module: every partition is
  // then folded in this thread, by the same code.
  const inThreadOnly = __filename.endsWith('.ts');
  const workers: Worker[] = [];
  // The first failure of any thread: the others stop at their next batch, and it is what the rebuild reports.
  let failure: unknown = null;
  const fail = (error: unknown) => {
    failure ??= error;
    for (const worker of workers) void worker.terminate();
    throw error;
  };
  const prepare = writePreparer(projection);
  const rowNumbers = new SharedArrayBuffer(4);
  const rows = sharedRowNumbers(rowNumbers);
  const read = partitionReader(options.events, head, BATCH_SIZE);
  try {
    const folds = [
      rebuildPartition(
        projection,
        {
          partitions,
          owned: inThreadOnly ? range(partitions) : range(MAIN_SHARE),
          streamBounds: bounds,
          capacity,
          rows,
        },
        {
          read: async (after, wanted) => {
            // Let the workers' messages in between this thread's batches.
            await new Promise((resolve) => setImmediate(resolve));
            if (failure !== null) throw failure;
            return read(after, wanted);
          },
          load: (keys) => loadDocs(target, keys),
          write: async (writes) => write(prepare(writes)),
          progress: (position) => onProgress(0, position),
        },
      ).catch(fail),
    ];
    if (!inThreadOnly) {
      for (let k = 1; k <= workerCount; k++) {
        const input: WorkerInput = {
          eventsPath: options.eventsPath,
          partitions,
          owned: range(WORKER_SHARE).map((i) => MAIN_SHARE + WORKER_SHARE * (k - 1) + i),
          head: head.toString(),
          capacity,
          batchSize: BATCH_SIZE,
          rowNumbers,
          streamBounds: bounds,
        };
        const worker = new Worker(join(__dirname, 'rebuild-worker.js'), {
          workerData: input,
          // Collect garbage before a heap grows large: held documents need far less than this.
          resourceLimits: { maxOldGenerationSizeMb: 128 },
        });
        workers.push(worker);
        folds.push(followWorker(worker, k, target, write, (position) => onProgress(k, position)).catch(fail));
      }
    }
    // Every thread settles (finished, failed or stopped) before the stores close.
    await Promise.allSettled(folds);
    if (failure !== null) throw failure;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  const folded = performance.now();
  await target.commit(projection.name, [], head);
  const written = options.targetPath ? syncToDisk(options.targetPath) : Promise.resolve();
  // Awaited after the indexes (and its failure reported then, not as an unhandled rejection before).
  written.catch(() => undefined);
  for (const { collection, indexes } of collections) await target.ensureIndexes(collection, indexes);
  await written;
  return {
    position: head,
    foldMs: folded - started,
    writeMs: timed.writeMs,
    indexMs: performance.now() - folded,
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Writes what a worker sends, answers its loads, and settles when it is done or has failed. */
function followWorker(
  worker: Worker,
  thread: number,
  target: SqliteReadStore,
  write: (writes: readonly PreparedWrite[]) => void,
  progress: (position: bigint) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let finished = false;
    const settle = (error?: unknown) => {
      finished = true;
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    worker.on('message', (message: FromWorker) => {
      try {
        switch (message.kind) {
          case 'write':
            write(message.writes);
            worker.postMessage({ kind: 'written' } satisfies ToWorker);
            break;
          case 'load':
            void loadDocs(target, message.keys).then((docs) =>
              worker.postMessage({ kind: 'loaded', request: message.request, docs } satisfies ToWorker),
            );
            break;
          case 'progress':
            progress(BigInt(message.position));
            break;
          case 'done':
            settle();
            break;
          case 'failed':
            settle(new Error(message.message));
            break;
        }
      } catch (error) {
        settle(error);
      }
    });
    worker.on('error', (error) => settle(error));
    worker.on('exit', (code) => {
      if (!finished) settle(new Error(`rebuild worker ${thread} exited with code ${code}`));
    });
  });
}

/** Serializes a partition's writes with the columns each collection keeps (its indexed fields). */
export function writePreparer(projection: Projection): (writes: readonly DocumentWrite[]) => PreparedWrite[] {
  const fields = new Map(
    collectionsOf(projection).map(({ collection, indexes }) => [collection, indexedFields(indexes)]),
  );
  return (writes) => writes.map((write) => prepareWrite(write, fields.get(write.collection) ?? []));
}

/** A partition's read: its share of the events up to the rebuild's head, chosen inside the query. */
export function partitionReader(
  events: SqliteEventStore,
  head: bigint,
  batchSize: number,
): PartitionIo['read'] {
  return async (after, { clauses, wants }) =>
    events.readAllWhere({ after, upTo: head, maxCount: batchSize }, clauses, (streamId, type, id) =>
      wants({ streamId, type, id }),
    );
}

/** Documents written out earlier, read back by the row numbers they were written with. */
export async function loadDocs(
  target: SqliteReadStore,
  keys: readonly WrittenKey[],
): Promise<Array<WrittenKey & { doc: object | null }>> {
  const docs: Array<WrittenKey & { doc: object | null }> = [];
  for (const collection of new Set(keys.map((key) => key.collection))) {
    const wanted = keys.filter((key) => key.collection === collection);
    const found = target.getRows<object>(
      collection,
      wanted.map((key) => key.row),
    );
    for (const { id, row } of wanted) docs.push({ collection, id, row, doc: found.get(row) ?? null });
  }
  return docs;
}
