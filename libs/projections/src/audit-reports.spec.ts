import { EventStore } from '@app/event-store';
import { AuditReports } from './audit-reports';

/**
 * An event store with an empty log whose every read takes a while and counts how many run at once: enough
 * for a recomputation to read, and for two recomputations at once to be seen.
 */
function slowEmptyStore() {
  let running = 0;
  const seen = { most: 0, reads: 0, failNext: false };
  const store = {
    headPosition: async () => 1n,
    readAll: async () => {
      running++;
      seen.reads++;
      seen.most = Math.max(seen.most, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
      if (seen.failNext) {
        seen.failNext = false;
        throw new Error('the disk is gone');
      }
      return [];
    },
  } as unknown as EventStore;
  return { store, seen };
}

describe('AuditReports', () => {
  const terms = () => Promise.reject(new Error('no terms are needed for an empty log'));

  it('recomputes one report at a time in a process, each in its turn', async () => {
    const { store, seen } = slowEmptyStore();
    const audit = new AuditReports(store, terms);
    const reports = await Promise.all(
      ['2026-01', '2026-02', '2026-03'].map((month) => audit.chargesReport('acme', month, { asOfMs: 0 })),
    );
    expect(seen.reads).toBe(3);
    expect(seen.most).toBe(1);
    expect(reports.map((report) => report.lines)).toEqual([[], [], []]);
  });

  it('answers a failed recomputation with its error, and the next one still runs', async () => {
    const { store, seen } = slowEmptyStore();
    const audit = new AuditReports(store, terms);
    seen.failNext = true;
    const [failed, next] = await Promise.allSettled([
      audit.chargesReport('acme', '2026-01', { asOfMs: 0 }),
      audit.chargesReport('acme', '2026-02', { asOfMs: 0 }),
    ]);
    expect(failed).toMatchObject({ status: 'rejected', reason: new Error('the disk is gone') });
    expect(next).toMatchObject({ status: 'fulfilled' });
    expect(seen.most).toBe(1);
  });
});
