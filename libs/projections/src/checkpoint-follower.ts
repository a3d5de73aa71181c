import { EventStore } from '@app/event-store';
import { ReadStore } from '@app/read-store';
import { RunnerState } from './projection-runner';

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
 * read store, polled every `pollMs` (every `waitPollMs` while a request waits for read-your-writes).
 */
export class CheckpointFollower implements ProjectionProgress {
  private current: RunnerState;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly readStore: ReadStore,
    private readonly projection: string,
    private readonly options: { readonly pollMs?: number; readonly waitPollMs?: number } = {},
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
    return this.current;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const state = await this.refresh();
      if (state.position >= position) return true;
      if (state.status === 'stopped' || performance.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, this.options.waitPollMs ?? 25));
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
