import { ProjectionCheckpoint, ReadStore } from '@app/read-store';
import { CheckpointFollower } from './checkpoint-follower';

/** A read store whose only part in use is the checkpoint another process (the projector) moves. */
function projectorCheckpoint() {
  let checkpoint: ProjectionCheckpoint | null = null;
  const counter = { reads: 0 };
  /** While set, every checkpoint read fails with it (the read store unreachable). */
  const outage: { error: Error | null } = { error: null };
  const store = {
    checkpoint: async () => {
      counter.reads += 1;
      if (outage.error) throw outage.error;
      return checkpoint;
    },
  } as unknown as ReadStore;
  const move = (position: bigint, status: ProjectionCheckpoint['status'] = 'running', error = null) => {
    checkpoint = { projection: 'p', position, status, error, updatedAt: new Date().toISOString() };
  };
  return { store, move, counter, outage };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CheckpointFollower (the API beside a projector in another process)', () => {
  it('answers many waiting requests from one poll of the checkpoint, each when its position is applied', async () => {
    const { store, move, counter } = projectorCheckpoint();
    move(10n);
    const follower = new CheckpointFollower(store, 'p', { waitPollMs: 10 });
    const waits = Array.from({ length: 100 }, (_, i) => follower.waitFor(BigInt(11 + (i % 2)), 5_000));
    await sleep(100);
    move(11n);
    await sleep(50);
    move(12n);
    expect(await Promise.all(waits)).toEqual(Array.from({ length: 100 }, () => true));
    // About one read per 10 ms for all 100 requests, not one per request per poll (~1,500).
    expect(counter.reads).toBeLessThan(40);
    // Once seen applied, a position needs no read at all.
    const reads = counter.reads;
    expect(await follower.waitFor(12n, 1_000)).toBe(true);
    expect(counter.reads).toBe(reads);
  });

  it('gives up at the timeout, and at once when the projector has stopped', async () => {
    const { store, move } = projectorCheckpoint();
    move(5n);
    const follower = new CheckpointFollower(store, 'p', { waitPollMs: 5 });
    const started = performance.now();
    expect(await follower.waitFor(6n, 100)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    const pending = follower.waitFor(7n, 5_000);
    move(5n, 'stopped');
    expect(await pending).toBe(false);
    // Restarted and caught up: a new request is answered, not refused on the stale status.
    move(7n);
    expect(await follower.waitFor(7n, 1_000)).toBe(true);
  });

  it('logs checkpoint reads that fail, once while they keep failing, and serves waiters again after', async () => {
    const { store, move, outage } = projectorCheckpoint();
    move(3n);
    const logged: string[] = [];
    const logger = {
      log: (message: string) => logged.push(`log: ${message}`),
      error: (message: string) => logged.push(`error: ${message}`),
    };
    const follower = new CheckpointFollower(store, 'p', { waitPollMs: 5, logger });
    expect(await follower.waitFor(3n, 1_000)).toBe(true);
    outage.error = new Error('database is locked');
    const waiting = follower.waitFor(4n, 5_000);
    await sleep(60);
    // Many polls failed meanwhile: one error names the projection and the reason.
    expect(logged).toEqual([
      'error: cannot read the checkpoint of p (retrying every poll): database is locked',
    ]);
    outage.error = null;
    move(4n);
    expect(await waiting).toBe(true);
    expect(logged).toEqual([
      'error: cannot read the checkpoint of p (retrying every poll): database is locked',
      'log: checkpoint of p readable again',
    ]);
  });
});
