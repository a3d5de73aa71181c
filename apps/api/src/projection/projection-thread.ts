import { SqliteEventStore } from '@app/event-store';
import {
  PositionWaiters,
  ProjectionProgress,
  RunnerState,
  RunnerStatus,
  finished,
  serviceDeskProjection,
} from '@app/projections';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
// The worker module, so that it is compiled wherever this one is (it does nothing outside its thread).
import './projection-thread.worker';

export interface ProjectionThreadInput {
  readonly eventsPath: string;
  readonly readPath: string;
  /** Marks the thread the worker module runs in. */
  readonly projectionThread: true;
}

export type FromProjectionThread =
  | {
      readonly kind: 'state';
      readonly status: RunnerStatus;
      readonly position: string;
      readonly error: string | null;
    }
  | { readonly kind: 'log'; readonly level: 'log' | 'error'; readonly message: string }
  | { readonly kind: 'started' };

export type ToProjectionThread = 'wake' | 'stop';

/** Whether this build can run the projection in a worker thread (not from the TypeScript sources under ts-jest). */
export const projectionThreadAvailable = !__filename.endsWith('.ts');

/**
 * The embedded default's projection, run in a worker thread of the API process: the same runner, with its
 * own SQLite connections, so that folding events and writing read models (a third of a command's cost when
 * they share the event loop) happen beside the requests instead of between them. Appends made here wake it
 * at once; its state arrives after every batch, which settles read-your-writes waits without polling.
 */
export class ProjectionThread implements ProjectionProgress {
  private current: RunnerState = {
    projection: serviceDeskProjection.name,
    status: 'starting',
    position: 0n,
    error: null,
  };
  private readonly waiters = new PositionWaiters();
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private wakePending = false;

  constructor(
    private readonly events: SqliteEventStore,
    private readonly input: Omit<ProjectionThreadInput, 'projectionThread'>,
    private readonly logger: { log(message: string): void; error(message: string): void },
  ) {}

  get state(): RunnerState {
    return this.current;
  }

  /** Starts the thread; resolves once its runner has started (caught up or catching up). */
  start(): Promise<void> {
    const worker = new Worker(join(__dirname, 'projection-thread.worker.js'), {
      workerData: { ...this.input, projectionThread: true } satisfies ProjectionThreadInput,
    });
    this.worker = worker;
    this.unsubscribe = this.events.onAppended(() => this.wake());
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.worker = null;
        this.unsubscribe?.();
        if (!finished(this.current.status)) {
          this.update({
            ...this.current,
            status: 'stopped',
            error: `the projection thread exited (code ${code})`,
          });
          this.logger.error(
            `projection ${this.current.projection} stopped: the thread exited (code ${code})`,
          );
        }
        resolve();
      }),
    );
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromProjectionThread) => {
        if (message.kind === 'state')
          this.update({
            projection: this.current.projection,
            status: message.status,
            position: BigInt(message.position),
            error: message.error,
          });
        else if (message.kind === 'log') this.logger[message.level](message.message);
        else {
          this.logger.log(`projection ${this.current.projection} runs in its own thread`);
          resolve();
        }
      });
      worker.once('error', (error) => {
        this.logger.error(`projection thread failed: ${error.message}`);
        reject(error);
      });
      void this.exited.then(() => resolve());
    });
  }

  /** Appends made in this process: one message however many commits happen in this turn of the event loop. */
  private wake(): void {
    if (this.wakePending || !this.worker) return;
    this.wakePending = true;
    setImmediate(() => {
      this.wakePending = false;
      this.worker?.postMessage('wake' satisfies ToProjectionThread);
    });
  }

  private update(state: RunnerState): void {
    this.current = state;
    this.waiters.settle(state);
  }

  /** Resolves true once the projection has applied `position`, false on timeout or when it stopped. */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(this.current, position, timeoutMs);
  }

  /** The thread finishes the batch in hand (its checkpoint committed with it), closes its stores and exits. */
  async stop(): Promise<void> {
    this.worker?.postMessage('stop' satisfies ToProjectionThread);
    await this.exited;
  }
}
