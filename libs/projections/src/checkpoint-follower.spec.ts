import { ProjectionCheckpoint, ReadStore } from '@app/read-store';
import { CheckpointFollower } from './checkpoint-follower';

/** A read store whose only part in use is the checkpoint another process (the projector) moves. */
function projectorCheckpoint() {
  let checkpoint: ProjectionCheckpoint | null = null;
  const counter = { reads: 0 };
  const store = {
    checkpoint: async () => {
      counter.reads += 1;
      return checkpoint;
    },
  } as unknown as ReadStore;
  const move = (position: bigint, status: ProjectionCheckpoint['status'] = 'running', error = null) => {
    checkpoint = { projection: 'p', position, status, error, updatedAt: new Date().toISOString() };
  };
  return { store, move, counter };
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
});
