import { SqliteEventStore } from '@app/event-store';
import { ProjectionRunner, RunnerState, serviceDeskProjection } from '@app/projections';
import { SqliteReadStore } from '@app/read-store';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { FromProjectionThread, ProjectionThreadInput, ToProjectionThread } from './projection-thread';

/**
 * The service desk's projection in a thread of the API process (see projection-thread.ts): its own
 * connections to the embedded stores, its state sent after every batch.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('projection-thread.worker runs as a worker thread');
  const input = workerData as ProjectionThreadInput;
  const send = (message: FromProjectionThread) => port.postMessage(message);
  const sendState = ({ status, position, error }: RunnerState) =>
    send({ kind: 'state', status, position: position.toString(), error });
  const events = new SqliteEventStore({ path: input.eventsPath, synchronous: 'NORMAL' });
  const readStore = new SqliteReadStore({ path: input.readPath });
  const runner = new ProjectionRunner(events, readStore, serviceDeskProjection, {
    logger: {
      log: (message) => send({ kind: 'log', level: 'log', message }),
      error: (message) => send({ kind: 'log', level: 'error', message }),
    },
    onState: sendState,
  });
  port.on('message', (message: ToProjectionThread) => {
    if (message === 'wake') events.noticeAppends();
    else if (message === 'stop')
      void (async () => {
        await runner.stop();
        await events.close();
        await readStore.close();
        sendState(runner.state);
        port.close();
      })();
  });
  await runner.start();
  sendState(runner.state);
  send({ kind: 'started' });
}

// projection-thread.ts imports this module so that every build that can start the thread emits it; it runs
// only in the thread started for it.
if (!isMainThread && (workerData as Partial<ProjectionThreadInput> | null)?.projectionThread === true) {
  void main().catch((error: unknown) => {
    parentPort?.postMessage({
      kind: 'log',
      level: 'error',
      message: `projection thread failed to start: ${error instanceof Error ? error.message : String(error)}`,
    } satisfies FromProjectionThread);
    process.exitCode = 1;
  });
}
