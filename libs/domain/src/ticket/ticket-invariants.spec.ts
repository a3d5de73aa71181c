import fc from 'fast-check';
import { userErrorChargeOf } from '../charges/user-error-charge';
import { DomainError } from '../shared/domain-error';
import { slaClockOf } from '../sla/sla-clock';
import { acmeAgreement, standardTerms, logTicketCommand } from '../testing/fixtures';
import { TicketCommand } from './ticket-commands';
import { TimedTicketEvent } from './ticket-events';
import {
  ExistingTicket,
  TicketState,
  decideTicket,
  evolveTicket,
  initialTicketState,
  ticketStateOf,
} from './ticket';

/** Any command the API accepts (well-formed), so that only the lifecycle decides. */
const command: fc.Arbitrary<TicketCommand> = fc.oneof(
  fc.constant<TicketCommand>({ type: 'AcknowledgeTicket', data: { assigneeId: 'agent-1' } }),
  fc.constant<TicketCommand>({ type: 'AssignTicket', data: { assigneeId: 'agent-2' } }),
  fc
    .constantFrom('P1', 'P2', 'P3', 'P4')
    .map<TicketCommand>((priority) => ({ type: 'ChangePriority', data: { priority, reason: 'r' } })),
  fc.constant<TicketCommand>({ type: 'RecordCustomerUpdate', data: { channel: 'email', message: 'm' } }),
  fc.constant<TicketCommand>({ type: 'RequestUserInfo', data: { question: 'q' } }),
  fc.constant<TicketCommand>({ type: 'RecordUserResponse', data: { response: 'r' } }),
  fc
    .constantFrom('password_reset', 'data_correction')
    .map<TicketCommand>((category) => ({ type: 'ReclassifyAsUserError', data: { category, reason: 'r' } })),
  fc.constant<TicketCommand>({ type: 'RevokeUserErrorReclassification', data: { reason: 'r' } }),
  fc
    .integer({ min: 1, max: 600 })
    .map<TicketCommand>((minutes) => ({ type: 'LogEffort', data: { minutes, note: '' } })),
  fc.constant<TicketCommand>({ type: 'ResolveTicket', data: { resolutionCode: 'fixed', notes: '' } }),
  fc.constant<TicketCommand>({ type: 'ConfirmResolution', data: { comment: '' } }),
  fc.constant<TicketCommand>({ type: 'RejectResolution', data: { reason: 'r' } }),
  fc.constant<TicketCommand>({ type: 'AutoCloseTicket', data: {} }),
  fc.constant<TicketCommand>({ type: 'CloseUnresolved', data: { problemReference: 'PRB-1', reason: '' } }),
  fc.constant<TicketCommand>({ type: 'WaiveCharge', data: { reason: 'r', approverId: 'm' } }),
  fc.constant<TicketCommand>({ type: 'RevokeChargeWaiver', data: { reason: 'r' } }),
  fc
    .integer({ min: 0, max: 600 })
    .map<TicketCommand>((totalMinutes) => ({ type: 'CorrectEffort', data: { totalMinutes, reason: 'r' } })),
);

const logTicket: TicketCommand = logTicketCommand();

describe('invariants over random command sequences', () => {
  it('keep one status, a clock that never runs backwards or counts pauses, and charges only for user errors', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(command, fc.integer({ min: 0, max: 3 * 24 * 60 })), { maxLength: 40 }),
        fc.integer({ min: Date.parse('2026-01-05T00:00:00Z'), max: Date.parse('2026-11-01T00:00:00Z') }),
        (steps, start) => {
          let now = start;
          let state: TicketState = initialTicketState;
          const history: TimedTicketEvent[] = [];
          const apply = (c: TicketCommand) => {
            try {
              for (const event of decideTicket(c, state, { now, agreement: acmeAgreement })) {
                const timed = { ...event, occurredAt: new Date(now).toISOString() } as TimedTicketEvent;
                history.push(timed);
                state = evolveTicket(state, timed);
              }
            } catch (error) {
              // A refusal appends nothing and leaves the state as it was.
              if (!(error instanceof DomainError)) throw error;
            }
          };
          apply(logTicket);
          let previousRunning = 0;
          for (const [next, minutesLater] of steps) {
            now += minutesLater * 60_000;
            const before = state;
            const length = history.length;
            apply(next);
            if (history.length === length) expect(state).toBe(before);
            const ticket = state as ExistingTicket;
            // Folding the history gives the same state: the state is only what the events say.
            expect(ticketStateOf(history)).toEqual(ticket);
            expect(['logged', 'in_progress', 'awaiting_user', 'resolved', 'closed']).toContain(ticket.status);
            expect(ticket.closure !== null).toBe(ticket.status === 'closed');
            const clock = slaClockOf(history, standardTerms, now);
            expect(clock.runningMs).toBeGreaterThanOrEqual(previousRunning);
            expect(clock.pausedMs).toBeGreaterThanOrEqual(0);
            // Running plus paused business time never exceeds the business time since logging.
            const sinceLogging = slaClockOf(
              history.slice(0, 1),
              { ...standardTerms, pausingStates: [] },
              now,
            ).runningMs;
            expect(clock.runningMs + clock.pausedMs).toBeLessThanOrEqual(sinceLogging);
            previousRunning = clock.runningMs;
            const charge = userErrorChargeOf(ticket, standardTerms.rateCard);
            expect(charge !== null).toBe(ticket.kind === 'user_error');
            if (charge) expect(charge.chargedMinor).toBe(ticket.chargeWaiver ? 0 : charge.amountMinor);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
