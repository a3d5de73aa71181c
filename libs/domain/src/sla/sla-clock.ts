import { AgreementTerms, Priority } from '../agreement/agreement-terms';
import { addBusinessMilliseconds, businessMillisecondsBetween } from '../calendar/business-calendar';
import { IsoInstant, toIso, toMs } from '../shared/time';
import { TicketState, evolveTicket, initialTicketState } from '../ticket/ticket';
import { TicketStatus, TimedTicketEvent } from '../ticket/ticket-events';

const MS_PER_MINUTE = 60_000;

export type ClockState = 'running' | 'paused' | 'stopped';

/**
 * A ticket's SLA clock at an instant, per the figure definitions (docs/figures.md).
 * Durations are business milliseconds: exact, so that breach verdicts never depend on rounding.
 */
export interface SlaClock {
  readonly asOf: IsoInstant;
  readonly status: TicketStatus;
  readonly clock: ClockState;
  readonly priority: Priority;
  readonly agreementId: string;
  readonly agreementVersion: number;
  /** Business time the clock has run (logged / in progress): the resolution time once finally resolved. */
  readonly runningMs: number;
  /** Business time spent in agreed pausing states (awaiting the user). */
  readonly pausedMs: number;
  /** Business time from logging to the first acknowledgement; null until acknowledged. */
  readonly responseMs: number | null;
  readonly responseTargetMs: number;
  /** Acknowledged after the response target, or not acknowledged and already past it. */
  readonly responseBreached: boolean;
  readonly resolutionTargetMs: number;
  /** Target minus running time; negative once past the target. */
  readonly remainingMs: number;
  /** When the final resolution (or closed-unresolved) happened; null while the ticket is open. */
  readonly resolvedAt: IsoInstant | null;
  /** Finally resolved with a resolution time over the target. */
  readonly breached: boolean;
  /** Still open and already past the target. */
  readonly breachedOpen: boolean;
  /** The instant the target is reached if the clock keeps running; null when paused, stopped or already past. */
  readonly dueAt: IsoInstant | null;
}

function clockStateOf(status: TicketStatus, terms: AgreementTerms): ClockState {
  switch (status) {
    case 'logged':
    case 'in_progress':
      return 'running';
    case 'awaiting_user':
      return terms.pausingStates.includes('awaiting_user') ? 'paused' : 'running';
    case 'resolved':
    case 'closed':
      return 'stopped';
  }
}

/**
 * The SLA clock of a ticket from its history, measured by its agreement version's terms, as of `asOfMs`.
 * Events after `asOfMs` are ignored, so the same function answers "now" and "as of any instant".
 */
export function slaClockOf(
  events: readonly TimedTicketEvent[],
  terms: AgreementTerms,
  asOfMs: number,
): SlaClock {
  const { calendar } = terms;
  const history = events.filter((event) => toMs(event.occurredAt) <= asOfMs);

  let runningMs = 0;
  let pausedMs = 0;
  let status: TicketStatus | null = null;
  let segmentStart = 0;
  const closeSegment = (endMs: number) => {
    if (status === null) return;
    const clock = clockStateOf(status, terms);
    if (clock === 'stopped') return;
    const ms = businessMillisecondsBetween(calendar, segmentStart, endMs);
    if (clock === 'running') runningMs += ms;
    else pausedMs += ms;
  };
  let partial: TicketState = initialTicketState;
  for (const event of history) {
    const at = toMs(event.occurredAt);
    partial = evolveTicket(partial, event);
    const nextStatus = partial.exists ? partial.status : null;
    if (nextStatus !== status) {
      closeSegment(at);
      status = nextStatus;
      segmentStart = at;
    }
  }
  closeSegment(asOfMs);
  if (!partial.exists) throw new RangeError('the ticket was not logged by then');

  const ticket = partial;
  const target = terms.targets[ticket.priority];
  const resolutionTargetMs = target.resolutionMinutes * MS_PER_MINUTE;
  const responseTargetMs = target.responseMinutes * MS_PER_MINUTE;
  const loggedAtMs = toMs(ticket.loggedAt);
  const responseMs =
    ticket.acknowledgedAt === null
      ? null
      : businessMillisecondsBetween(calendar, loggedAtMs, toMs(ticket.acknowledgedAt));
  const responseSoFarMs = responseMs ?? businessMillisecondsBetween(calendar, loggedAtMs, asOfMs);
  const finallyResolvedAt =
    ticket.status === 'resolved' || (ticket.status === 'closed' && ticket.closure !== 'closed_unresolved')
      ? ticket.resolvedAt
      : ticket.closure === 'closed_unresolved'
        ? ticket.closedAt
        : null;
  const clock = clockStateOf(ticket.status, terms);
  const remainingMs = resolutionTargetMs - runningMs;
  return {
    asOf: toIso(asOfMs),
    status: ticket.status,
    clock,
    priority: ticket.priority,
    agreementId: ticket.agreementId,
    agreementVersion: ticket.agreementVersion,
    runningMs,
    pausedMs,
    responseMs,
    responseTargetMs,
    responseBreached: responseSoFarMs > responseTargetMs,
    resolutionTargetMs,
    remainingMs,
    resolvedAt: finallyResolvedAt,
    breached: finallyResolvedAt !== null && runningMs > resolutionTargetMs,
    breachedOpen: finallyResolvedAt === null && runningMs > resolutionTargetMs,
    dueAt:
      clock === 'running' && remainingMs > 0
        ? toIso(addBusinessMilliseconds(calendar, asOfMs, remainingMs))
        : null,
  };
}
