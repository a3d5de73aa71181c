import { AgreementTerms } from '../agreement/agreement-terms';
import {
  addBusinessMilliseconds,
  businessMillisecondsBetween,
  endOfNthBusinessDayAfter,
} from '../calendar/business-calendar';
import { toMs } from '../shared/time';

const MS_PER_MINUTE = 60_000;
import {
  AutoCloseTicket,
  AutomationCommand,
  EscalationLevel,
  EscalationTarget,
} from '../ticket/ticket-commands';
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
 * Each rule of the agreement as the actions it will require of the ticket as things stand, in the order
 * they fall due (a rule may require more than one: missed updates keep coming while the clock runs).
 */
function rules(
  ticket: ExistingTicket,
  tally: SlaTally,
  terms: AgreementTerms,
  history: readonly TimedTicketEvent[] | undefined,
): Array<Iterable<DueAction>> {
  const id = ticket.ticketId;
  const all: Array<Iterable<DueAction>> = [];
  if (ticket.status === 'resolved' && ticket.resolvedAt) {
    all.push([
      {
        command: { type: 'AutoCloseTicket', data: {} },
        dueAtMs: endOfNthBusinessDayAfter(
          terms.calendar,
          toMs(ticket.resolvedAt),
          terms.autoCloseAfterBusinessDays,
        ),
        key: `automation:${id}:auto-close:${ticket.resolvedAt}`,
      },
    ]);
  }
  const followUp = ticket.status === 'awaiting_user' ? ticket.followUp : null;
  if (followUp) {
    const since = toMs(followUp.since);
    const afterDays = (days: number) => endOfNthBusinessDayAfter(terms.calendar, since, days);
    all.push([
      ...(followUp.remindedAt
        ? []
        : [
            {
              command: { type: 'SendUserReminder', data: {} } as const,
              dueAtMs: afterDays(terms.followUp.reminderAfterBusinessDays),
              key: `automation:${id}:reminder:${followUp.since}`,
            },
          ]),
      ...(followUp.managerContactedAt
        ? []
        : [
            {
              command: { type: 'ContactUserManager', data: {} } as const,
              dueAtMs: afterDays(terms.followUp.managerContactAfterBusinessDays),
              key: `automation:${id}:manager:${followUp.since}`,
            },
          ]),
    ]);
  }
  if (ticket.status !== 'logged' && ticket.status !== 'in_progress' && ticket.status !== 'awaiting_user')
    return all;

  // Customer updates: one missed per interval of running time since the last update (or the logging).
  const intervalMs = terms.customerUpdateIntervalMinutes[ticket.priority] * MS_PER_MINUTE;
  const marker = ticket.lastCustomerUpdateAt ?? ticket.loggedAt;
  all.push({
    *[Symbol.iterator]() {
      for (let occurrence = (ticket.missedUpdatesRecorded ?? 0) + 1; ; occurrence++) {
        const dueAtMs = whenRunningReaches(
          ticket,
          tally,
          terms,
          tally.runningAtLastUpdateMs + occurrence * intervalMs,
          history,
        );
        if (dueAtMs === null) return;
        yield {
          command: {
            type: 'RecordMissedCustomerUpdate',
            data: { occurrence, dueAt: new Date(dueAtMs).toISOString() },
          },
          dueAtMs,
          key: `automation:${id}:missed-update:${marker}:${occurrence}`,
        };
      }
    },
  });
  const targets = terms.targets[ticket.priority];
  const escalated = new Set(ticket.escalations ?? []);
  // Escalations: each target at 75% (warning) and at 100% (breach), once each.
  const escalation = (
    target: EscalationTarget,
    level: EscalationLevel,
    thresholdAt: number | null,
  ): DueAction[] =>
    thresholdAt === null || escalated.has(`${target}:${level}`)
      ? []
      : [
          {
            command: {
              type: 'EscalateTicket',
              data: { target, level, thresholdAt: new Date(thresholdAt).toISOString() },
            },
            dueAtMs: thresholdAt,
            key: `automation:${id}:escalate:${target}:${level}`,
          },
        ];
  for (const [level, fraction] of ESCALATION_LEVELS) {
    if (ticket.status === 'logged') {
      const responseMs = Math.round(fraction * targets.responseMinutes * MS_PER_MINUTE);
      all.push(
        escalation(
          'response',
          level,
          addBusinessMilliseconds(terms.calendar, toMs(ticket.loggedAt), responseMs),
        ),
      );
    }
    const resolutionMs = Math.round(fraction * targets.resolutionMinutes * MS_PER_MINUTE);
    all.push(
      escalation('resolution', level, whenRunningReaches(ticket, tally, terms, resolutionMs, history)),
    );
  }
  return all;
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
  for (const rule of rules(ticket, tally, terms, history)) {
    for (const action of rule) {
      if (action.dueAtMs > nowMs) break;
      actions.push(action);
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
  let next: number | null = null;
  for (const rule of rules(ticket, tally, terms, undefined)) {
    for (const action of rule) {
      if (next === null || action.dueAtMs < next) next = action.dueAtMs;
      break;
    }
  }
  return next;
}
