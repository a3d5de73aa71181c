import { AgreementTerms, Priority } from '../agreement/agreement-terms';
import { addBusinessMilliseconds, businessMillisecondsBetween } from '../calendar/business-calendar';
import { IsoInstant, toIso, toMs } from '../shared/time';
import { ExistingTicket, evolveTicket, initialTicketState } from '../ticket/ticket';
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
  /** Update intervals of running business time that passed without a customer update. */
  readonly missedCustomerUpdates: number;
}

/**
 * The SLA clock folded event by event (what projections store); `slaClockAt` finishes it at an instant.
 * Every event closes the segment since the previous one under the status in force during it.
 */
export interface SlaTally {
  readonly statusSinceMs: number;
  readonly runningMs: number;
  readonly pausedMs: number;
  readonly responseMs: number | null;
  /** Running time at the last customer update (or at logging). */
  readonly runningAtLastUpdateMs: number;
  /** Missed updates in the gaps that a customer update already closed. */
  readonly missedCustomerUpdates: number;
}

export function clockStateOf(status: TicketStatus, terms: AgreementTerms): ClockState {
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
function segmentMs(
  status: TicketStatus,
  fromMs: number,
  toMs: number,
  terms: AgreementTerms,
): [number, number] {
  const clock = clockStateOf(status, terms);
  if (clock === 'stopped' || toMs <= fromMs) return [0, 0];
  const ms = businessMillisecondsBetween(terms.calendar, fromMs, toMs);
  return clock === 'running' ? [ms, 0] : [0, ms];
}

const missedIn = (gapMs: number, priority: Priority, terms: AgreementTerms) =>
  Math.floor(gapMs / (terms.customerUpdateIntervalMinutes[priority] * MS_PER_MINUTE));

/** The tally of a ticket just logged. */
export function startSlaTally(loggedAtMs: number): SlaTally {
  return {
    statusSinceMs: loggedAtMs,
    runningMs: 0,
    pausedMs: 0,
    responseMs: null,
    runningAtLastUpdateMs: 0,
    missedCustomerUpdates: 0,
  };
}

/**
 * Account for one event of a ticket: `before` is the ticket's state before the event, whose status
 * governed the time since the previous event.
 */
export function evolveSlaTally(
  tally: SlaTally,
  before: ExistingTicket,
  event: TimedTicketEvent,
  terms: AgreementTerms,
): SlaTally {
  const atMs = toMs(event.occurredAt);
  const [running, paused] = segmentMs(before.status, tally.statusSinceMs, atMs, terms);
  const runningMs = tally.runningMs + running;
  let { responseMs, runningAtLastUpdateMs, missedCustomerUpdates } = tally;
  if (event.type === 'TicketAcknowledged' && responseMs === null) {
    responseMs = businessMillisecondsBetween(terms.calendar, toMs(before.loggedAt), atMs);
  }
  if (event.type === 'CustomerUpdateRecorded') {
    missedCustomerUpdates += missedIn(runningMs - runningAtLastUpdateMs, before.priority, terms);
    runningAtLastUpdateMs = runningMs;
  }
  return {
    statusSinceMs: Math.max(tally.statusSinceMs, atMs),
    runningMs,
    pausedMs: tally.pausedMs + paused,
    responseMs,
    runningAtLastUpdateMs,
    missedCustomerUpdates,
  };
}

/** The ticket's final resolution: the last resolution not followed by a rejection, or closed-unresolved. */
export function finalResolutionOf(ticket: ExistingTicket): IsoInstant | null {
  if (ticket.closure === 'closed_unresolved') return ticket.closedAt;
  return ticket.status === 'resolved' || ticket.status === 'closed' ? ticket.resolvedAt : null;
}

/** The clock at `asOfMs` (not before the ticket's last event): the open segment is counted up to then. */
export function slaClockAt(
  ticket: ExistingTicket,
  tally: SlaTally,
  terms: AgreementTerms,
  asOfMs: number,
): SlaClock {
  const { calendar } = terms;
  const [running, paused] = segmentMs(ticket.status, tally.statusSinceMs, asOfMs, terms);
  const runningMs = tally.runningMs + running;
  const pausedMs = tally.pausedMs + paused;
  const target = terms.targets[ticket.priority];
  const resolutionTargetMs = target.resolutionMinutes * MS_PER_MINUTE;
  const responseTargetMs = target.responseMinutes * MS_PER_MINUTE;
  const responseSoFarMs =
    tally.responseMs ??
    businessMillisecondsBetween(calendar, toMs(ticket.loggedAt), Math.max(asOfMs, toMs(ticket.loggedAt)));
  const resolvedAt = finalResolutionOf(ticket);
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
    responseMs: tally.responseMs,
    responseTargetMs,
    responseBreached: responseSoFarMs > responseTargetMs,
    resolutionTargetMs,
    remainingMs,
    resolvedAt,
    breached: resolvedAt !== null && runningMs > resolutionTargetMs,
    breachedOpen: resolvedAt === null && runningMs > resolutionTargetMs,
    dueAt:
      clock === 'running' && remainingMs > 0
        ? toIso(addBusinessMilliseconds(calendar, asOfMs, remainingMs))
        : null,
    missedCustomerUpdates:
      tally.missedCustomerUpdates + missedIn(runningMs - tally.runningAtLastUpdateMs, ticket.priority, terms),
  };
}

/** A ticket's state and SLA tally folded together: the unit projections and recomputations share. */
export interface TicketRecord {
  readonly ticket: ExistingTicket;
  readonly sla: SlaTally;
}

export function evolveTicketRecord(
  record: TicketRecord | null,
  event: TimedTicketEvent,
  terms: AgreementTerms,
): TicketRecord | null {
  if (record === null) {
    const ticket = evolveTicket(initialTicketState, event);
    return ticket.exists ? { ticket, sla: startSlaTally(toMs(event.occurredAt)) } : null;
  }
  const ticket = evolveTicket(record.ticket, event) as ExistingTicket;
  return { ticket, sla: evolveSlaTally(record.sla, record.ticket, event, terms) };
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
  let record: TicketRecord | null = null;
  for (const event of events) {
    if (toMs(event.occurredAt) > asOfMs) break;
    record = evolveTicketRecord(record, event, terms);
  }
  if (record === null) throw new RangeError('the ticket was not logged by then');
  return slaClockAt(record.ticket, record.sla, terms, asOfMs);
}
