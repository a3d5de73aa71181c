import { VerdictInput, compareVerdicts } from './sla-verdict-comparison';

const HOUR = 3_600_000;
const input = (overrides: Partial<VerdictInput>): VerdictInput => ({
  ticketId: 'INC1',
  priority: 'P3',
  breached: false,
  resolutionMs: 10 * HOUR,
  resolutionTargetMs: 72 * HOUR,
  pausedMs: 0,
  reopenCount: 0,
  priorityChanged: false,
  sourceMadeSla: true,
  ...overrides,
});

describe('compareVerdicts', () => {
  it('counts agreement over finally resolved incidents only, by priority, with the first reason for each difference', () => {
    const result = compareVerdicts([
      input({}),
      input({ priority: 'P1', breached: true, sourceMadeSla: false }),
      input({ breached: false, sourceMadeSla: false, pausedMs: HOUR, reopenCount: 1 }),
      input({ breached: true, sourceMadeSla: true, reopenCount: 1 }),
      input({ breached: true, sourceMadeSla: true, resolutionMs: 75 * HOUR }),
      input({ breached: false, sourceMadeSla: false }),
      input({ breached: null }),
    ]);
    expect(result).toMatchObject({
      compared: 6,
      agreed: 2,
      agreementPercent: 33.3,
      weBreachedSourceMet: 2,
      weMetSourceBreached: 2,
      notResolved: 1,
      byPriority: { P1: { compared: 1, agreed: 1 }, P3: { compared: 5, agreed: 1 } },
      differencesByReason: { paused: 1, reopened: 1, priority_changed: 0, near_target: 1, other: 1 },
    });
  });
});
