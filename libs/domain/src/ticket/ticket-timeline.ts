import { AgreementTerms } from '../agreement/agreement-terms';
import { businessMillisecondsBetween } from '../calendar/business-calendar';
import { assertNever } from '../shared/domain-error';
import { toMs } from '../shared/time';
import { TicketEvent, TicketStatus, TimedTicketEvent } from './ticket-events';
import { TicketState, evolveTicket, initialTicketState } from './ticket';

/** One line of a ticket's history in words, for people. */
export function describeTicketEvent(event: TicketEvent): string {
  switch (event.type) {
    case 'TicketLogged':
      return `Logged as ${event.data.kind.replace('_', ' ')} (${event.data.priority}) for ${event.data.service}: ${event.data.summary}`;
    case 'TicketAcknowledged':
      return event.data.assigneeId ? `Acknowledged and taken by ${event.data.assigneeId}` : 'Acknowledged';
    case 'TicketAssigned':
      return `Assigned to ${event.data.assigneeId}`;
    case 'PriorityChanged':
      return `Priority changed from ${event.data.from} to ${event.data.to}: ${event.data.reason}`;
    case 'CustomerUpdateRecorded':
      return `Customer updated by ${event.data.channel.replace('_', ' ')}: ${event.data.message}`;
    case 'UserInfoRequested':
      return `Waiting for the user: ${event.data.question}`;
    case 'UserResponded':
      return `The user responded: ${event.data.response}`;
    case 'ReclassifiedAsUserError':
      return `Reclassified as a user error (${event.data.category}): ${event.data.reason}`;
    case 'UserErrorReclassificationRevoked':
      return `User-error reclassification revoked, back to ${event.data.restoredKind.replace('_', ' ')}: ${event.data.reason}`;
    case 'EffortLogged':
      return `${event.data.minutes} minutes of effort logged${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'TicketResolved':
      return `Resolved (${event.data.resolutionCode})${event.data.notes ? `: ${event.data.notes}` : ''}`;
    case 'ResolutionConfirmed':
      return `The customer confirmed the resolution${event.data.comment ? `: ${event.data.comment}` : ''}`;
    case 'ResolutionRejected':
      return `The customer rejected the resolution, reopened: ${event.data.reason}`;
    case 'TicketAutoClosed':
      return `Closed automatically after ${event.data.afterBusinessDays} business days without an answer`;
    case 'TicketClosedUnresolved':
      return `Closed unresolved, tracked as ${event.data.problemReference}${event.data.reason ? `: ${event.data.reason}` : ''}`;
    case 'ChargeWaived':
      return `Charge waived, approved by ${event.data.approverId}: ${event.data.reason}`;
    case 'ChargeWaiverRevoked':
      return `Charge waiver withdrawn: ${event.data.reason}`;
    case 'EffortCorrected':
      return `Logged effort corrected from ${event.data.previousTotalMinutes} to ${event.data.correctedTotalMinutes} minutes: ${event.data.reason}`;
    case 'UserReminderSent':
      return `Reminded ${event.data.requester.name} that the ticket waits for them (${event.data.afterBusinessDays} business days without an answer)`;
    case 'UserManagerContacted':
      return `Contacted ${event.data.manager.name}, manager of ${event.data.requester.name}, after ${event.data.afterBusinessDays} business days without an answer`;
    case 'CustomerUpdateMissed':
      return `Customer update ${event.data.occurrence} missed (due ${event.data.dueAt}, every ${event.data.intervalMinutes} business minutes for ${event.data.priority})`;
    case 'TicketEscalated':
      return `Escalated: ${event.data.target} target ${event.data.level === 'warning' ? 'at 75%' : 'breached'} (${event.data.priority})`;
    case 'UserErrorCategoryCorrected':
      return `User-error category corrected from ${event.data.from} to ${event.data.to}: ${event.data.reason}`;
    default:
      return assertNever(event, 'ticket event');
  }
}

export interface StatusPeriod {
  readonly status: TicketStatus;
  readonly from: string;
  /** null while the ticket is still in this status. */
  readonly to: string | null;
  readonly wallMinutes: number;
  readonly businessMinutes: number;
}

/** How long the ticket spent in each status, in wall-clock and business minutes, up to `untilMs` for the last. */
export function statusPeriodsOf(
  events: readonly TimedTicketEvent[],
  terms: AgreementTerms,
  untilMs: number,
): StatusPeriod[] {
  const periods: Array<{ status: TicketStatus; fromMs: number; toMs: number | null }> = [];
  let state: TicketState = initialTicketState;
  for (const event of events) {
    state = evolveTicket(state, event);
    if (!state.exists) continue;
    const at = toMs(event.occurredAt);
    const current = periods[periods.length - 1];
    if (!current || current.status !== state.status) {
      if (current) current.toMs = at;
      periods.push({ status: state.status, fromMs: at, toMs: null });
    }
  }
  return periods.map(({ status, fromMs, toMs: endMs }) => {
    const end = endMs ?? Math.max(untilMs, fromMs);
    return {
      status,
      from: new Date(fromMs).toISOString(),
      to: endMs === null ? null : new Date(endMs).toISOString(),
      wallMinutes: Math.floor((end - fromMs) / 60_000),
      businessMinutes: Math.floor(businessMillisecondsBetween(terms.calendar, fromMs, end) / 60_000),
    };
  });
}
