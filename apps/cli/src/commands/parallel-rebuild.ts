import { EventStore, SqliteEventStore } from '@app/event-store';
import { PartitionIo, Projection, collectionsOf, rebuildPartition } from '@app/projections';
import { PreparedWrite, SqliteReadStore, prepareWrite } from '@app/read-store';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** What a partition's worker is given. */
export interface WorkerInput {
  readonly eventsPath: string;
  readonly partition: number;
  readonly partitions: number;
  /** Global position the rebuild replays up to (as a decimal string). */
  readonly head: string;
  readonly capacity: number;
  readonly batchSize: number;
}

type Key = { readonly collection: string; readonly id: string };

export type FromWorker =
  | { readonly kind: 'write'; readonly writes: readonly PreparedWrite[] }
  | { readonly kind: 'load'; readonly request: number; readonly keys: readonly Key[] }
  | { readonly kind: 'progress'; readonly position: string }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly message: string };

export type ToWorker =
  | { readonly kind: 'written' }
  | {
      readonly kind: 'loaded';
      readonly request: number;
      readonly docs: ReadonlyArray<Key & { readonly doc: object | null }>;
    };

/**
 * Rebuilds a projection of the embedded event store into a fresh SQLite read store with worker threads:
 * each worker folds one partition of the documents (every document is the fold of its own events, see
 * PartitionedFold) and this thread writes what they send, then sets the checkpoint and builds the indexes.
 * Events appended after the rebuild started are left to the runner that takes over from the checkpoint.
 */
export async function rebuildInParallel(options: {
  readonly eventsPath: string;
  readonly events: EventStore;
  readonly target: SqliteReadStore;
  readonly projection: Projection;
  readonly workers: number;
  /** Documents each worker holds before writing the least recently changed out. */
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
  for (const { collection, indexes } of collections)
    await target.ensureFields(
      collection,
      indexes.flatMap((index) => index.fields),
    );
  const head = await options.events.headPosition();
  const partitions = Math.max(1, Math.floor(options.workers));
  const positions = new Array<bigint>(partitions).fill(0n);
  const started = performance.now();
  let writeMs = 0;
  const input = (partition: number): WorkerInput => ({
    eventsPath: options.eventsPath,
    partition,
    partitions,
    head: head.toString(),
    capacity: Math.ceil((options.capacity ?? 16_000) / partitions),
    batchSize: 4000,
  });
  const onProgress = (partition: number, position: bigint) => {
    positions[partition] = position;
    options.onProgress?.(
      positions.reduce((low, reached) => (reached < low ? reached : low)),
      head,
    );
  };
  // From the TypeScript sources (ts-jest) a worker thread cannot load the worker module: the partitions are
  // then folded one after the other in this thread, by the same code.
  if (__filename.endsWith('.ts')) {
    const events = new SqliteEventStore({ path: options.eventsPath, synchronous: 'NORMAL' });
    try {
      for (let partition = 0; partition < partitions; partition++) {
        const { capacity, batchSize } = input(partition);
        await rebuildPartition(
          projection,
          { partition, partitions, capacity },
          partitionIo(events, target, projection, head, batchSize, (position) =>
            onProgress(partition, position),
          ),
        );
      }
    } finally {
      await events.close();
    }
  } else {
    const workers: Worker[] = [];
    try {
      await Promise.all(
        Array.from({ length: partitions }, (_, partition) => {
          const worker = new Worker(join(__dirname, 'rebuild-worker.js'), {
            workerData: input(partition),
            // Collect garbage before a heap grows large: held documents need far less than this.
            resourceLimits: { maxOldGenerationSizeMb: 128 },
          });
          workers.push(worker);
          return new Promise<void>((resolve, reject) => {
            let finished = false;
            worker.on('message', (message: FromWorker) => {
              try {
                switch (message.kind) {
                  case 'write':
                    writeMs -= performance.now();
                    target.writePrepared(message.writes);
                    writeMs += performance.now();
                    worker.postMessage({ kind: 'written' } satisfies ToWorker);
                    break;
                  case 'load':
                    void loadDocs(target, message.keys).then((docs) =>
                      worker.postMessage({
                        kind: 'loaded',
                        request: message.request,
                        docs,
                      } satisfies ToWorker),
                    );
                    break;
                  case 'progress':
                    onProgress(partition, BigInt(message.position));
                    break;
                  case 'done':
                    finished = true;
                    positions[partition] = head;
                    resolve();
                    break;
                  case 'failed':
                    finished = true;
                    reject(new Error(message.message));
                    break;
                }
              } catch (error) {
                finished = true;
                reject(error);
              }
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (!finished) reject(new Error(`rebuild worker ${partition} exited with code ${code}`));
            });
          });
        }),
      );
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
  }
  const folded = performance.now();
  await target.commit(projection.name, [], head);
  for (const { collection, indexes } of collections) await target.ensureIndexes(collection, indexes);
  return { position: head, foldMs: folded - started, writeMs, indexMs: performance.now() - folded };
}

/** The fields each collection keeps as columns: what a prepared write must carry. */
export function columnFieldsOf(projection: Projection): Map<string, string[]> {
  return new Map(
    collectionsOf(projection).map(({ collection, indexes }) => [
      collection,
      [...new Set(indexes.flatMap((index) => index.fields))],
    ]),
  );
}

/** A partition's read: its share of the events up to the rebuild's head, chosen inside the query. */
export function partitionReader(
  events: SqliteEventStore,
  head: bigint,
  batchSize: number,
): PartitionIo['read'] {
  return async (after, wants) =>
    events.readAllWhere({ after, upTo: head, maxCount: batchSize }, (streamId, type, id) =>
      wants({ streamId, type, id }),
    );
}

/** A partition's reads and writes when it is folded in the thread that writes the store. */
function partitionIo(
  events: SqliteEventStore,
  target: SqliteReadStore,
  projection: Projection,
  head: bigint,
  batchSize: number,
  progress: (position: bigint) => void,
): PartitionIo {
  const fields = columnFieldsOf(projection);
  return {
    read: partitionReader(events, head, batchSize),
    load: (keys) => loadDocs(target, keys),
    write: async (writes) =>
      target.writePrepared(writes.map((write) => prepareWrite(write, fields.get(write.collection) ?? []))),
    progress,
  };
}

async function loadDocs(
  target: SqliteReadStore,
  keys: readonly Key[],
): Promise<Array<Key & { doc: object | null }>> {
  const docs: Array<Key & { doc: object | null }> = [];
  for (const collection of new Set(keys.map((key) => key.collection))) {
    const ids = keys.filter((key) => key.collection === collection).map((key) => key.id);
    const found = await target.getMany<object>(collection, ids);
    for (const id of ids) docs.push({ collection, id, doc: found.get(id) ?? null });
  }
  return docs;
}
