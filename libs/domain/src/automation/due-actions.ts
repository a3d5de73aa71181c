import { AgreementTerms } from '../agreement/agreement-terms';
import {
  addBusinessMilliseconds,
  businessMillisecondsBetween,
  endOfNthBusinessDayAfter,
} from '../calendar/business-calendar';
import { toMs } from '../shared/time';

const MS_PER_MINUTE = 60_000;
import { AutoCloseTicket, AutomationCommand, EscalationLevel } from '../ticket/ticket-commands';
import { ExistingTicket, TicketState, evolveTicket, initialTicketState } from '../ticket/ticket';
import { TimedTicketEvent } from '../ticket/ticket-events';
import { SlaTally, clockStateOf } from '../sla/sla-clock';

/** Something the agreement's rules require of a ticket: what, since when, and its deterministic key. */
export interface DueAction {
  readonly command: AutomationCommand | AutoCloseTicket;
  /** When it fell due (epoch ms): the command is dated then (or at the ticket's last event, if later). */
  readonly dueAtMs: number;
  /** The same cause always gives the same key: issuing it twice appends nothing twice. */
  readonly key: string;
}

const ESCALATION_LEVELS: ReadonlyArray<[EscalationLevel, number]> = [
  ['warning', 0.75],
  ['breach', 1],
];

/**
 * When the ticket's running business time reached `thresholdMs` (absolute, since logging), from its
 * history: the exact instant even when it happened before the last event. Null if it never did.
 */
function crossingInHistory(
  history: readonly TimedTicketEvent[],
  terms: AgreementTerms,
  thresholdMs: number,
): number | null {
  let state: TicketState = initialTicketState;
  let running = 0;
  let previousMs: number | null = null;
  for (const event of history) {
    const atMs = toMs(event.occurredAt);
    if (
      state.exists &&
      previousMs !== null &&
      clockStateOf(state.status, terms) === 'running' &&
      atMs > previousMs
    ) {
      const segmentMs = businessMillisecondsBetween(terms.calendar, previousMs, atMs);
      if (running + segmentMs >= thresholdMs)
        return addBusinessMilliseconds(terms.calendar, previousMs, thresholdMs - running);
      running += segmentMs;
    }
    state = evolveTicket(state, event);
    previousMs = atMs;
  }
  return null;
}

/**
 * The instant the ticket's running business time reaches `thresholdMs` (absolute, since logging): in the
 * current status segment if the clock runs; before it, from the history when given (else the start of the
 * segment, a later but still past instant); null while the clock does not run and has not reached it.
 */
function whenRunningReaches(
  ticket: ExistingTicket,
  tally: SlaTally,
  terms: AgreementTerms,
  thresholdMs: number,
  history: readonly TimedTicketEvent[] | undefined,
): number | null {
  if (tally.runningMs >= thresholdMs) {
    return (history && crossingInHistory(history, terms, thresholdMs)) ?? tally.statusSinceMs;
  }
  return clockStateOf(ticket.status, terms) === 'running'
    ? addBusinessMilliseconds(terms.calendar, tally.statusSinceMs, thresholdMs - tally.runningMs)
    : null;
}

/**
 * What the rules of the ticket's agreement version require by `nowMs`, in the order they fell due:
 * auto-close of a resolved ticket after N business days; for a ticket awaiting the user, the reminder and
 * then the manager contact after their business days; a missed customer update for each update interval
 * of running business time without one; an escalation when the response or resolution target is at 75%
 * (warning) and when it is passed (breach). Pure: the process manager runs it on the ticket's folded state
 * and SLA tally, and the ticket's decider checks each command again.
 */
export function dueActions(
  ticket: ExistingTicket,
  tally: SlaTally,
  terms: AgreementTerms,
  nowMs: number,
  /** The ticket's events: thresholds passed before its last event are then dated exactly. */
  history?: readonly TimedTicketEvent[],
): DueAction[] {
  const actions: DueAction[] = [];
  const due = (action: DueAction) => {
    if (action.dueAtMs <= nowMs) actions.push(action);
  };
  const id = ticket.ticketId;
  if (ticket.status === 'resolved' && ticket.resolvedAt) {
    due({
      command: { type: 'AutoCloseTicket', data: {} },
      dueAtMs: endOfNthBusinessDayAfter(
        terms.calendar,
        toMs(ticket.resolvedAt),
        terms.autoCloseAfterBusinessDays,
      ),
      key: `automation:${id}:auto-close:${ticket.resolvedAt}`,
    });
  }
  if (ticket.status === 'awaiting_user' && ticket.followUp) {
    const since = toMs(ticket.followUp.since);
    if (!ticket.followUp.remindedAt) {
      due({
        command: { type: 'SendUserReminder', data: {} },
        dueAtMs: endOfNthBusinessDayAfter(terms.calendar, since, terms.followUp.reminderAfterBusinessDays),
        key: `automation:${id}:reminder:${ticket.followUp.since}`,
      });
    }
    if (!ticket.followUp.managerContactedAt) {
      due({
        command: { type: 'ContactUserManager', data: {} },
        dueAtMs: endOfNthBusinessDayAfter(
          terms.calendar,
          since,
          terms.followUp.managerContactAfterBusinessDays,
        ),
        key: `automation:${id}:manager:${ticket.followUp.since}`,
      });
    }
  }
  const open =
    ticket.status === 'logged' || ticket.status === 'in_progress' || ticket.status === 'awaiting_user';
  if (open) {
    const running = clockStateOf(ticket.status, terms) === 'running';
    const runningNow =
      tally.runningMs +
      (running && nowMs > tally.statusSinceMs
        ? businessMillisecondsBetween(terms.calendar, tally.statusSinceMs, nowMs)
        : 0);
    // Customer updates: one missed per interval of running time since the last update (or the logging).
    const intervalMs = terms.customerUpdateIntervalMinutes[ticket.priority] * MS_PER_MINUTE;
    const missed = Math.floor((runningNow - tally.runningAtLastUpdateMs) / intervalMs);
    const marker = ticket.lastCustomerUpdateAt ?? ticket.loggedAt;
    for (let occurrence = (ticket.missedUpdatesRecorded ?? 0) + 1; occurrence <= missed; occurrence++) {
      const dueAtMs = whenRunningReaches(
        ticket,
        tally,
        terms,
        tally.runningAtLastUpdateMs + occurrence * intervalMs,
        history,
      );
      if (dueAtMs === null) break;
      due({
        command: {
          type: 'RecordMissedCustomerUpdate',
          data: { occurrence, dueAt: new Date(dueAtMs).toISOString() },
        },
        dueAtMs,
        key: `automation:${id}:missed-update:${marker}:${occurrence}`,
      });
    }
    const targets = terms.targets[ticket.priority];
    const escalated = new Set(ticket.escalations ?? []);
    for (const [level, fraction] of ESCALATION_LEVELS) {
      if (ticket.status === 'logged' && !escalated.has(`response:${level}`)) {
        const thresholdAt = addBusinessMilliseconds(
          terms.calendar,
          toMs(ticket.loggedAt),
          Math.round(fraction * targets.responseMinutes * MS_PER_MINUTE),
        );
        due({
          command: {
            type: 'EscalateTicket',
            data: { target: 'response', level, thresholdAt: new Date(thresholdAt).toISOString() },
          },
          dueAtMs: thresholdAt,
          key: `automation:${id}:escalate:response:${level}`,
        });
      }
      if (!escalated.has(`resolution:${level}`)) {
        const thresholdAt = whenRunningReaches(
          ticket,
          tally,
          terms,
          Math.round(fraction * targets.resolutionMinutes * MS_PER_MINUTE),
          history,
        );
        if (thresholdAt !== null) {
          due({
            command: {
              type: 'EscalateTicket',
              data: { target: 'resolution', level, thresholdAt: new Date(thresholdAt).toISOString() },
            },
            dueAtMs: thresholdAt,
            key: `automation:${id}:escalate:resolution:${level}`,
          });
        }
      }
    }
  }
  return actions.sort((a, b) => a.dueAtMs - b.dueAtMs);
}

/**
 * The next instant the agreement's rules will require something of the ticket as things stand (null:
 * nothing, until another event changes it). Stored with the ticket's read model, so that the process
 * manager looks only at tickets whose time has come.
 */
export function nextDueAtMs(ticket: ExistingTicket, tally: SlaTally, terms: AgreementTerms): number | null {
  const candidates: Array<number | null> = [];
  if (ticket.status === 'resolved' && ticket.resolvedAt) {
    candidates.push(
      endOfNthBusinessDayAfter(terms.calendar, toMs(ticket.resolvedAt), terms.autoCloseAfterBusinessDays),
    );
  }
  if (ticket.status === 'awaiting_user' && ticket.followUp) {
    const since = toMs(ticket.followUp.since);
    if (!ticket.followUp.remindedAt)
      candidates.push(
        endOfNthBusinessDayAfter(terms.calendar, since, terms.followUp.reminderAfterBusinessDays),
      );
    else if (!ticket.followUp.managerContactedAt)
      candidates.push(
        endOfNthBusinessDayAfter(terms.calendar, since, terms.followUp.managerContactAfterBusinessDays),
      );
  }
  if (ticket.status === 'logged' || ticket.status === 'in_progress' || ticket.status === 'awaiting_user') {
    const intervalMs = terms.customerUpdateIntervalMinutes[ticket.priority] * MS_PER_MINUTE;
    const next = (ticket.missedUpdatesRecorded ?? 0) + 1;
    candidates.push(
      whenRunningReaches(ticket, tally, terms, tally.runningAtLastUpdateMs + next * intervalMs, undefined),
    );
    const targets = terms.targets[ticket.priority];
    const escalated = new Set(ticket.escalations ?? []);
    for (const [level, fraction] of ESCALATION_LEVELS) {
      if (ticket.status === 'logged' && !escalated.has(`response:${level}`)) {
        candidates.push(
          addBusinessMilliseconds(
            terms.calendar,
            toMs(ticket.loggedAt),
            Math.round(fraction * targets.responseMinutes * MS_PER_MINUTE),
          ),
        );
      }
      if (!escalated.has(`resolution:${level}`)) {
        candidates.push(
          whenRunningReaches(
            ticket,
            tally,
            terms,
            Math.round(fraction * targets.resolutionMinutes * MS_PER_MINUTE),
            undefined,
          ),
        );
      }
    }
  }
  const due = candidates.filter((at): at is number => at !== null);
  return due.length === 0 ? null : Math.min(...due);
}
