import { Priority } from '../agreement/agreement-terms';
import { extended } from '../shared/objects';
import { ClosureKind, TicketKind, TicketStatus } from '../ticket/ticket-events';

/** What one finally resolved ticket contributes to the report of the month it was resolved in. */
export interface ResolvedTicketFacts {
  readonly ticketId: string;
  readonly kind: TicketKind;
  readonly service: string;
  /** The priority at resolution: its target is the one the ticket is judged by. */
  readonly priority: Priority;
  readonly status: TicketStatus;
  readonly closure: ClosureKind | null;
  readonly reopenCount: number;
  readonly resolutionMs: number;
  readonly breached: boolean;
  readonly pausedMs: number;
  readonly missedCustomerUpdates: number;
}

export interface SlaFigures {
  readonly resolved: number;
  readonly withinTarget: number;
  readonly breached: number;
  /** withinTarget / resolved, percent with one decimal; null when nothing was resolved. */
  readonly compliancePercent: number | null;
  readonly meanResolutionMinutes: number | null;
  /** Nearest-rank 90th percentile of the resolution times. */
  readonly p90ResolutionMinutes: number | null;
  /** Business minutes spent awaiting the user, summed. */
  readonly pausedMinutes: number;
  /** Tickets whose resolution was rejected at least once. */
  readonly reopened: number;
  readonly reopenRatePercent: number | null;
  /** 100 minus the reopen rate: resolved right the first time. */
  readonly firstTimeRightPercent: number | null;
  readonly confirmed: number;
  readonly autoClosed: number;
  readonly closedUnresolved: number;
  /** Resolved, the customer has not answered yet. */
  readonly awaitingConfirmation: number;
  readonly missedCustomerUpdates: number;
}

export const SLA_GROUP_KEYS = ['service', 'priority'] as const;
export type SlaGroupKey = (typeof SLA_GROUP_KEYS)[number];

export interface SlaReport {
  /** SLA performance: incidents only. */
  readonly incidents: SlaFigures;
  readonly groups: ReadonlyArray<{
    readonly service?: string;
    readonly priority?: Priority;
    readonly figures: SlaFigures;
  }>;
  /** Reported apart, never in SLA performance. */
  readonly serviceRequests: SlaFigures;
  readonly userErrors: SlaFigures;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const minutes = (ms: number) => ms / 60_000;
const percent = (part: number, whole: number) => (whole === 0 ? null : round1((part / whole) * 100));

/** The figures of DOMAIN.md over a set of finally resolved tickets, in one pass over them. */
export function slaFiguresOf(tickets: readonly ResolvedTicketFacts[]): SlaFigures {
  const resolved = tickets.length;
  const durations = new Float64Array(resolved);
  let breached = 0;
  let reopened = 0;
  let totalMs = 0;
  let pausedMs = 0;
  let confirmed = 0;
  let autoClosed = 0;
  let closedUnresolved = 0;
  let awaitingConfirmation = 0;
  let missedCustomerUpdates = 0;
  for (let i = 0; i < resolved; i++) {
    const t = tickets[i];
    durations[i] = t.resolutionMs;
    totalMs += t.resolutionMs;
    pausedMs += t.pausedMs;
    missedCustomerUpdates += t.missedCustomerUpdates;
    if (t.breached) breached += 1;
    if (t.reopenCount > 0) reopened += 1;
    if (t.closure === 'confirmed') confirmed += 1;
    else if (t.closure === 'auto_closed') autoClosed += 1;
    else if (t.closure === 'closed_unresolved') closedUnresolved += 1;
    if (t.status === 'resolved') awaitingConfirmation += 1;
  }
  // Numeric order (a typed array sorts by value, not as strings).
  durations.sort();
  const reopenRatePercent = percent(reopened, resolved);
  return {
    resolved,
    withinTarget: resolved - breached,
    breached,
    compliancePercent: percent(resolved - breached, resolved),
    meanResolutionMinutes: resolved === 0 ? null : round1(minutes(totalMs / resolved)),
    p90ResolutionMinutes: resolved === 0 ? null : round1(minutes(durations[Math.ceil(0.9 * resolved) - 1])),
    pausedMinutes: round1(minutes(pausedMs)),
    reopened,
    reopenRatePercent,
    firstTimeRightPercent: reopenRatePercent === null ? null : round1(100 - reopenRatePercent),
    confirmed,
    autoClosed,
    closedUnresolved,
    awaitingConfirmation,
    missedCustomerUpdates,
  };
}

/** The monthly SLA report of one customer from the tickets finally resolved in that month. */
export function slaReportOf(
  tickets: readonly ResolvedTicketFacts[],
  groupBy: readonly SlaGroupKey[],
): SlaReport {
  const incidents: ResolvedTicketFacts[] = [];
  const serviceRequests: ResolvedTicketFacts[] = [];
  const userErrors: ResolvedTicketFacts[] = [];
  for (const ticket of tickets) {
    if (ticket.kind === 'incident') incidents.push(ticket);
    else if (ticket.kind === 'service_request') serviceRequests.push(ticket);
    else if (ticket.kind === 'user_error') userErrors.push(ticket);
  }
  const groups = new Map<string, { service?: string; priority?: Priority; tickets: ResolvedTicketFacts[] }>();
  if (groupBy.length > 0) {
    for (const ticket of incidents) {
      const key = groupBy.map((field) => ticket[field]).join('\u0000');
      const group = groups.get(key) ?? {
        ...(groupBy.includes('service') ? { service: ticket.service } : {}),
        ...(groupBy.includes('priority') ? { priority: ticket.priority } : {}),
        tickets: [],
      };
      group.tickets.push(ticket);
      groups.set(key, group);
    }
  }
  return {
    incidents: slaFiguresOf(incidents),
    groups: [...groups.values()]
      .map(({ tickets: members, ...key }) => extended(key, { figures: slaFiguresOf(members) }))
      .sort((a, b) =>
        `${a.service ?? ''}|${a.priority ?? ''}`.localeCompare(`${b.service ?? ''}|${b.priority ?? ''}`),
      ),
    serviceRequests: slaFiguresOf(serviceRequests),
    userErrors: slaFiguresOf(userErrors),
  };
}
