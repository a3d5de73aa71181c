import { EventStore } from '@app/event-store';
import { ReadStore } from '@app/read-store';
import { PositionWaiters, RunnerLogger, RunnerState } from './projection-runner';

/** What the API needs of a projection: where it is, and a way to wait until it has applied a position. */
export interface ProjectionProgress {
  readonly state: RunnerState;
  waitFor(position: bigint, timeoutMs: number): Promise<boolean>;
}

/** The projection's position against the event store's head: what /health reports, in the API and the projector. */
export async function projectionHealth(progress: ProjectionProgress, events: EventStore) {
  const head = await events.headPosition();
  const { status, position, error, projection } = progress.state;
  return {
    status: status === 'stopped' ? 'degraded' : 'ok',
    eventStore: { headPosition: head.toString() },
    projections: [
      {
        name: projection,
        status,
        position: position.toString(),
        caughtUp: position >= head,
        // Positions count events in the embedded store and log bytes in EventStoreDB.
        lag: (head > position ? head - position : 0n).toString(),
        error,
      },
    ],
  };
}

/**
 * Follows a projection that another process runs (the projector app): its state is its checkpoint in the
 * read store, polled every `pollMs`, and every `waitPollMs` while any request waits for read-your-writes:
 * one poll for all the waiting requests, however many there are.
 */
export class CheckpointFollower implements ProjectionProgress {
  private current: RunnerState;
  private timer: NodeJS.Timeout | null = null;
  private readonly waiters = new PositionWaiters();
  /** Requests waiting now, and the one poll that answers them while there are any. */
  private waiting = 0;
  private polling: Promise<void> | null = null;
  /** The failure of the last checkpoint read, while reads keep failing (logged once, then its recovery). */
  private readFailure: string | null = null;

  constructor(
    private readonly readStore: ReadStore,
    private readonly projection: string,
    private readonly options: {
      readonly pollMs?: number;
      readonly waitPollMs?: number;
      readonly logger?: RunnerLogger;
    } = {},
  ) {
    this.current = { projection, status: 'starting', position: 0n, error: null };
  }

  get state(): RunnerState {
    return this.current;
  }

  async refresh(): Promise<RunnerState> {
    const checkpoint = await this.readStore.checkpoint(this.projection);
    this.current = {
      projection: this.projection,
      status: checkpoint === null ? 'starting' : checkpoint.status === 'stopped' ? 'stopped' : 'live',
      position: checkpoint?.position ?? 0n,
      error: checkpoint?.error ?? null,
    };
    this.waiters.settle(this.current);
    return this.current;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  /**
   * A periodic read: one that fails is retried at the next poll (a request waiting meanwhile times out with
   * 503 and Retry-After), and logged when reads start failing and when they work again, not at every poll.
   */
  private async poll(): Promise<void> {
    try {
      await this.refresh();
      if (this.readFailure !== null)
        this.options.logger?.log(`checkpoint of ${this.projection} readable again`);
      this.readFailure = null;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.readFailure !== reason)
        this.options.logger?.error(
          `cannot read the checkpoint of ${this.projection} (retrying every poll): ${reason}`,
        );
      this.readFailure = reason;
    }
  }

  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    // A checkpoint only moves forward: a position already seen applied needs no read.
    if (this.current.position >= position) return true;
    // A projector seen stopped may have been restarted since: look again before giving up at once.
    if (this.current.status === 'stopped') await this.refresh();
    this.waiting += 1;
    this.pollWhileWaiting();
    try {
      return await this.waiters.wait(this.current, position, timeoutMs);
    } finally {
      this.waiting -= 1;
    }
  }

  /** Reads the checkpoint now, then every `waitPollMs`, until no request waits (each read settles waiters). */
  private pollWhileWaiting(): void {
    if (this.polling) return;
    const interval = this.options.waitPollMs ?? 25;
    this.polling = (async () => {
      while (this.waiting > 0) {
        await this.poll();
        if (this.waiting > 0) await new Promise((resolve) => setTimeout(resolve, interval));
      }
    })().finally(() => {
      this.polling = null;
      // A request that came in while the last read was finishing still needs a poll.
      if (this.waiting > 0) this.pollWhileWaiting();
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
