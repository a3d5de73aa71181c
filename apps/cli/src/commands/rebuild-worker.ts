import { SqliteEventStore } from '@app/event-store';
import { rebuildPartition, serviceDeskProjection, sharedRowNumbers } from '@app/projections';
import { parentPort, workerData } from 'node:worker_threads';
import { FromWorker, ToWorker, WorkerInput, partitionReader, writePreparer } from './parallel-rebuild';

/**
 * One partition of a parallel rebuild (see parallel-rebuild.ts): reads the events its documents need from
 * the event store file, folds them, and sends the documents, serialized, to the thread that writes them.
 */
async function main(): Promise<void> {
  const input = workerData as WorkerInput;
  const port = parentPort;
  if (!port) throw new Error('rebuild-worker runs as a worker thread');
  const send = (message: FromWorker) => port.postMessage(message);
  const events = new SqliteEventStore({ path: input.eventsPath, synchronous: 'NORMAL' });
  const prepare = writePreparer(serviceDeskProjection);
  const head = BigInt(input.head);
  let requests = 0;
  const loads = new Map<number, (docs: Extract<ToWorker, { kind: 'loaded' }>['docs']) => void>();
  let unacknowledged = 0;
  let acknowledged: (() => void) | null = null;
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'loaded') {
      loads.get(message.request)?.(message.docs);
      loads.delete(message.request);
    } else if (message.kind === 'written') {
      unacknowledged -= 1;
      acknowledged?.();
    }
  });
  try {
    await rebuildPartition(
      serviceDeskProjection,
      {
        partitions: input.partitions,
        owned: input.owned,
        streamBounds: input.streamBounds,
        capacity: input.capacity,
        rows: sharedRowNumbers(input.rowNumbers),
      },
      {
        read: partitionReader(events, head, input.batchSize),
        load: (keys) =>
          new Promise((resolve) => {
            requests += 1;
            loads.set(requests, resolve);
            send({ kind: 'load', request: requests, keys: [...keys] });
          }),
        write: async (writes) => {
          send({
            kind: 'write',
            writes: prepare(writes),
          });
          unacknowledged += 1;
          // At most four batches in flight: the writer's backlog (and this process's memory) stays bounded.
          while (unacknowledged > 4) await new Promise<void>((resolve) => (acknowledged = resolve));
        },
        progress: (position) => send({ kind: 'progress', position: position.toString() }),
      },
    );
    while (unacknowledged > 0) await new Promise<void>((resolve) => (acknowledged = resolve));
    send({ kind: 'done' });
  } catch (error) {
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  } finally {
    await events.close();
    port.close();
  }
}

void main();
