import fc from 'fast-check';
import { ResolvedTicketFacts, SlaFigures, slaFiguresOf, slaReportOf } from './sla-report';

/** The figures of DOMAIN.md written as their definitions read, one filter per figure: the oracle. */
function figuresByDefinition(tickets: readonly ResolvedTicketFacts[]): SlaFigures {
  const round1 = (value: number) => Math.round(value * 10) / 10;
  const minutes = (ms: number) => ms / 60_000;
  const percent = (part: number, whole: number) => (whole === 0 ? null : round1((part / whole) * 100));
  const resolved = tickets.length;
  const breached = tickets.filter((t) => t.breached).length;
  const reopened = tickets.filter((t) => t.reopenCount > 0).length;
  const durations = tickets.map((t) => t.resolutionMs).sort((a, b) => a - b);
  const reopenRatePercent = percent(reopened, resolved);
  return {
    resolved,
    withinTarget: resolved - breached,
    breached,
    compliancePercent: percent(resolved - breached, resolved),
    meanResolutionMinutes:
      resolved === 0 ? null : round1(minutes(durations.reduce((a, b) => a + b, 0) / resolved)),
    p90ResolutionMinutes: resolved === 0 ? null : round1(minutes(durations[Math.ceil(0.9 * resolved) - 1])),
    pausedMinutes: round1(minutes(tickets.reduce((sum, t) => sum + t.pausedMs, 0))),
    reopened,
    reopenRatePercent,
    firstTimeRightPercent: reopenRatePercent === null ? null : round1(100 - reopenRatePercent),
    confirmed: tickets.filter((t) => t.closure === 'confirmed').length,
    autoClosed: tickets.filter((t) => t.closure === 'auto_closed').length,
    closedUnresolved: tickets.filter((t) => t.closure === 'closed_unresolved').length,
    awaitingConfirmation: tickets.filter((t) => t.status === 'resolved').length,
    missedCustomerUpdates: tickets.reduce((sum, t) => sum + t.missedCustomerUpdates, 0),
  };
}

const fact = fc.record<ResolvedTicketFacts>({
  ticketId: fc.uuid(),
  kind: fc.constantFrom('incident', 'service_request', 'user_error'),
  service: fc.constantFrom('email', 'erp', 'network'),
  priority: fc.constantFrom('P1', 'P2', 'P3', 'P4'),
  status: fc.constantFrom('resolved', 'closed'),
  closure: fc.constantFrom(null, 'confirmed', 'auto_closed', 'closed_unresolved'),
  reopenCount: fc.nat(3),
  // Business milliseconds up to a year, including durations that sort differently as text (9 vs 10).
  resolutionMs: fc.oneof(fc.nat(20), fc.nat(31_536_000_000)),
  breached: fc.boolean(),
  pausedMs: fc.nat(10_000_000_000),
  missedCustomerUpdates: fc.nat(5),
});

describe('SLA report figures', () => {
  it('are exactly the definitions, for any set of resolved tickets', () => {
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 300 }), (tickets) => {
        expect(slaFiguresOf(tickets)).toEqual(figuresByDefinition(tickets));
      }),
      { numRuns: 300 },
    );
  });

  it('report incidents only as SLA performance, grouped, with requests and user errors apart', () => {
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 200 }), (tickets) => {
        const report = slaReportOf(tickets, ['service', 'priority']);
        const incidents = tickets.filter((t) => t.kind === 'incident');
        expect(report.incidents).toEqual(figuresByDefinition(incidents));
        expect(report.serviceRequests).toEqual(
          figuresByDefinition(tickets.filter((t) => t.kind === 'service_request')),
        );
        expect(report.userErrors).toEqual(
          figuresByDefinition(tickets.filter((t) => t.kind === 'user_error')),
        );
        // Every incident in exactly one group, each group's figures those of its members.
        expect(report.groups.reduce((sum, group) => sum + group.figures.resolved, 0)).toBe(incidents.length);
        for (const group of report.groups) {
          const members = incidents.filter(
            (t) => t.service === group.service && t.priority === group.priority,
          );
          expect(group.figures).toEqual(figuresByDefinition(members));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('takes the p90 in numeric order, not as text', () => {
    const tickets = [9, 10, 100, 20, 3, 1000, 7, 8, 50, 60].map((minutes, i) => ({
      ticketId: `t-${i}`,
      kind: 'incident' as const,
      service: 'email',
      priority: 'P2' as const,
      status: 'closed' as const,
      closure: 'confirmed' as const,
      reopenCount: 0,
      resolutionMs: minutes * 60_000,
      breached: false,
      pausedMs: 0,
      missedCustomerUpdates: 0,
    }));
    // Sorted: 3 7 8 9 10 20 50 60 100 1000; nearest rank ceil(0.9 x 10) = 9th: 100.
    expect(slaFiguresOf(tickets).p90ResolutionMinutes).toBe(100);
  });
});
