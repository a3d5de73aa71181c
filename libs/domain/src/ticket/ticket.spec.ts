import { DomainError } from '../shared/domain-error';
import { acmeAgreement, at, loggedEvent, logTicketCommand } from '../testing/fixtures';
import { TicketCommand } from './ticket-commands';
import { TicketEvent, TimedTicketEvent } from './ticket-events';
import { ExistingTicket, changedTicket, decideTicket, ticketStateOf } from './ticket';

/** given(history).when(command, at).then(events) | .thenRefuses(code) */
function given(history: TimedTicketEvent[]) {
  return {
    when(command: TicketCommand, instant = '2026-03-02T12:00:00+01:00') {
      const decision = () =>
        decideTicket(command, ticketStateOf(history), { now: Date.parse(instant), agreement: acmeAgreement });
      return {
        then(expected: TicketEvent[]) {
          expect(decision()).toEqual(expected);
        },
        thenRefuses(code: string, reason?: RegExp) {
          let error: unknown;
          try {
            decision();
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          if (reason) expect((error as DomainError).reason).toMatch(reason);
        },
      };
    },
  };
}

const logged = at('2026-03-02T09:00:00+01:00', loggedEvent());
const acknowledged = at('2026-03-02T09:10:00+01:00', {
  type: 'TicketAcknowledged',
  schemaVersion: 1,
  data: { assigneeId: 'agent-1' },
});
const resolved = at('2026-03-02T11:00:00+01:00', {
  type: 'TicketResolved',
  schemaVersion: 1,
  data: { resolutionCode: 'fixed', notes: 'cleared the cache' },
});
const reclassified = at('2026-03-02T10:00:00+01:00', {
  type: 'ReclassifiedAsUserError',
  schemaVersion: 1,
  data: { category: 'password_reset', reason: 'forgot password', previousKind: 'incident' },
});

const logCommand: TicketCommand = logTicketCommand();

describe('logging a ticket', () => {
  it('binds the ticket to the agreement version in force', () => {
    given([]).when(logCommand, '2026-03-02T09:00:00+01:00').then([loggedEvent()]);
  });

  it('refuses a service the agreement does not cover', () => {
    given([])
      .when({ ...logCommand, data: { ...logCommand.data, service: 'coffee' } } as TicketCommand)
      .thenRefuses('service_not_covered', /does not cover service "coffee"/);
  });

  it("refuses another customer's agreement", () => {
    given([])
      .when({ ...logCommand, data: { ...logCommand.data, customerId: 'globex' } } as TicketCommand)
      .thenRefuses('agreement_mismatch');
  });

  it('refuses a ticket logged before any agreement version took effect', () => {
    given([]).when(logCommand, '2025-12-31T12:00:00Z').thenRefuses('no_agreement_version_in_force');
  });

  it('refuses to log the same ticket twice', () => {
    given([logged]).when(logCommand).thenRefuses('ticket_already_exists');
  });
});

describe('the lifecycle', () => {
  it('acknowledges a logged ticket', () => {
    given([logged])
      .when({ type: 'AcknowledgeTicket', data: { assigneeId: 'agent-1' } })
      .then([{ type: 'TicketAcknowledged', schemaVersion: 1, data: { assigneeId: 'agent-1' } }]);
  });

  it('puts an acknowledged ticket awaiting the user, and back in progress when the user responds', () => {
    const infoRequested: TicketEvent = {
      type: 'UserInfoRequested',
      schemaVersion: 1,
      data: { question: 'which laptop?' },
    };
    const awaiting = at('2026-03-02T10:00:00+01:00', infoRequested);
    given([logged, acknowledged])
      .when({ type: 'RequestUserInfo', data: { question: 'which laptop?' } })
      .then([infoRequested]);
    given([logged, acknowledged, awaiting])
      .when({ type: 'RecordUserResponse', data: { response: 'the Dell' } })
      .then([{ type: 'UserResponded', schemaVersion: 1, data: { response: 'the Dell' } }]);
    expect(ticketStateOf([logged, acknowledged, awaiting])).toMatchObject({ status: 'awaiting_user' });
  });

  it('does not ask the user before the ticket is acknowledged', () => {
    given([logged])
      .when({ type: 'RequestUserInfo', data: { question: '?' } })
      .thenRefuses('illegal_transition', /cannot request information from the user: the ticket is logged/);
  });

  it('closes a resolved ticket when the customer confirms', () => {
    given([logged, acknowledged, resolved])
      .when({ type: 'ConfirmResolution', data: { comment: 'works' } })
      .then([{ type: 'ResolutionConfirmed', schemaVersion: 1, data: { comment: 'works' } }]);
  });

  it('refuses to confirm an open ticket', () => {
    given([logged, acknowledged])
      .when({ type: 'ConfirmResolution', data: { comment: '' } })
      .thenRefuses('illegal_transition', /cannot confirm the resolution: the ticket is in progress/);
  });

  it('reopens on a rejected resolution and counts the reopen', () => {
    const rejected = at('2026-03-02T12:00:00+01:00', {
      type: 'ResolutionRejected',
      schemaVersion: 1,
      data: { reason: 'still broken' },
    });
    given([logged, acknowledged, resolved])
      .when({ type: 'RejectResolution', data: { reason: 'still broken' } })
      .then([{ type: 'ResolutionRejected', schemaVersion: 1, data: { reason: 'still broken' } }]);
    expect(ticketStateOf([logged, acknowledged, resolved, rejected])).toMatchObject({
      status: 'in_progress',
      reopenCount: 1,
      resolvedAt: null,
    });
  });

  it('refuses to resolve a closed ticket', () => {
    const confirmed = at('2026-03-02T11:30:00+01:00', {
      type: 'ResolutionConfirmed',
      schemaVersion: 1,
      data: { comment: '' },
    });
    given([logged, acknowledged, resolved, confirmed])
      .when({ type: 'ResolveTicket', data: { resolutionCode: 'x', notes: '' } })
      .thenRefuses('illegal_transition', /the ticket is closed/);
  });

  it('closes an open ticket unresolved with the problem reference', () => {
    given([logged, acknowledged])
      .when({ type: 'CloseUnresolved', data: { problemReference: 'PRB-7', reason: 'known error' } })
      .then([
        {
          type: 'TicketClosedUnresolved',
          schemaVersion: 1,
          data: { problemReference: 'PRB-7', reason: 'known error' },
        },
      ]);
  });

  it('refuses a command dated before the last event', () => {
    given([logged, acknowledged])
      .when({ type: 'ResolveTicket', data: { resolutionCode: 'x', notes: '' } }, '2026-03-02T09:05:00+01:00')
      .thenRefuses('time_before_last_event');
  });

  it('refuses any command on a ticket that was never logged', () => {
    given([])
      .when({ type: 'AcknowledgeTicket', data: { assigneeId: null } })
      .thenRefuses('ticket_not_found');
  });

  it('changes the priority with a reason, but not to the same one', () => {
    given([logged])
      .when({ type: 'ChangePriority', data: { priority: 'P1', reason: 'CEO affected' } })
      .then([
        { type: 'PriorityChanged', schemaVersion: 1, data: { from: 'P2', to: 'P1', reason: 'CEO affected' } },
      ]);
    given([logged])
      .when({ type: 'ChangePriority', data: { priority: 'P2', reason: '' } })
      .thenRefuses('priority_unchanged');
  });
});

describe('auto-closing', () => {
  // Resolved Monday 2 March 11:00; 3 business days later is the end of Thursday 5 March.
  const history = [logged, acknowledged, resolved];
  const autoClose: TicketCommand = { type: 'AutoCloseTicket', data: {} };

  it('happens only after the agreed business days without an answer', () => {
    given(history)
      .when(autoClose, '2026-03-05T16:59:00+01:00')
      .thenRefuses('auto_close_too_early', /at 2026-03-05T16:00:00.000Z/);
    given(history)
      .when(autoClose, '2026-03-05T17:00:00+01:00')
      .then([
        {
          type: 'TicketAutoClosed',
          schemaVersion: 1,
          data: {
            afterBusinessDays: 3,
            resolvedAt: resolved.occurredAt,
            deadline: '2026-03-05T16:00:00.000Z',
          },
        },
      ]);
  });
});

describe('user errors', () => {
  it('reclassifies with a rate-card category of the bound agreement version', () => {
    given([logged, acknowledged])
      .when({
        type: 'ReclassifyAsUserError',
        data: { category: 'password_reset', reason: 'forgot password' },
      })
      .then([reclassified].map(({ occurredAt: _, ...event }) => event));
  });

  it('refuses a category the rate card does not have', () => {
    given([logged])
      .when({ type: 'ReclassifyAsUserError', data: { category: 'coffee', reason: '' } })
      .thenRefuses('unknown_rate_card_category', /categories: password_reset, data_correction/);
  });

  it('revoking restores the kind it was logged as and drops any waiver', () => {
    const waived = at('2026-03-02T10:30:00+01:00', {
      type: 'ChargeWaived',
      schemaVersion: 1,
      data: { reason: 'goodwill', approverId: 'mgr-1' },
    });
    const revoked = at('2026-03-02T10:40:00+01:00', {
      type: 'UserErrorReclassificationRevoked',
      schemaVersion: 1,
      data: { reason: 'was a real fault', restoredKind: 'incident' },
    });
    expect(ticketStateOf([logged, reclassified, waived, revoked])).toMatchObject({
      kind: 'incident',
      userError: null,
      chargeWaiver: null,
    });
  });

  it('waives only a user error, and only once', () => {
    const waive: TicketCommand = { type: 'WaiveCharge', data: { reason: 'goodwill', approverId: 'mgr-1' } };
    given([logged]).when(waive).thenRefuses('not_user_error');
    given([logged, reclassified])
      .when(waive)
      .then([{ type: 'ChargeWaived', schemaVersion: 1, data: { reason: 'goodwill', approverId: 'mgr-1' } }]);
    const waived = at('2026-03-02T10:30:00+01:00', {
      type: 'ChargeWaived',
      schemaVersion: 1,
      data: waive.data,
    });
    given([logged, reclassified, waived]).when(waive).thenRefuses('charge_already_waived');
  });

  it('adds up logged effort', () => {
    const effort = (minutes: number) =>
      at('2026-03-02T10:00:00+01:00', {
        type: 'EffortLogged',
        schemaVersion: 1,
        data: { minutes, note: '' },
      });
    expect(ticketStateOf([logged, effort(20), effort(7)])).toMatchObject({ effortMinutes: 27 });
  });

  it('corrects with new events: waivers withdrawn, effort and category corrected', () => {
    const waived = at('2026-03-02T10:30:00+01:00', {
      type: 'ChargeWaived',
      schemaVersion: 1,
      data: { reason: 'goodwill', approverId: 'mgr-1' },
    });
    given([logged, reclassified, waived])
      .when({ type: 'RevokeChargeWaiver', data: { reason: 'approved in error' } })
      .then([{ type: 'ChargeWaiverRevoked', schemaVersion: 1, data: { reason: 'approved in error' } }]);
    given([logged, reclassified])
      .when({ type: 'RevokeChargeWaiver', data: { reason: 'x' } })
      .thenRefuses('charge_not_waived');
    given([logged, reclassified])
      .when({ type: 'CorrectEffort', data: { totalMinutes: 30, reason: 'typo' } })
      .then([
        {
          type: 'EffortCorrected',
          schemaVersion: 1,
          data: { previousTotalMinutes: 0, correctedTotalMinutes: 30, reason: 'typo' },
        },
      ]);
    given([logged, reclassified])
      .when({
        type: 'CorrectUserErrorCategory',
        data: { category: 'data_correction', reason: 'wrong category' },
      })
      .then([
        {
          type: 'UserErrorCategoryCorrected',
          schemaVersion: 1,
          data: { from: 'password_reset', to: 'data_correction', reason: 'wrong category' },
        },
      ]);
    given([logged])
      .when({ type: 'CorrectUserErrorCategory', data: { category: 'data_correction', reason: 'x' } })
      .thenRefuses('not_user_error');
    const corrected = at('2026-03-02T10:40:00+01:00', {
      type: 'UserErrorCategoryCorrected',
      schemaVersion: 1,
      data: { from: 'password_reset', to: 'data_correction', reason: 'x' },
    });
    expect(ticketStateOf([logged, reclassified, corrected])).toMatchObject({
      userError: { category: 'data_correction', reason: 'forgot password' },
    });
  });
});

describe('the state after an event (changedTicket)', () => {
  // Every field of the state set to a value of its own, so that a field the copy dropped or mixed up shows.
  const state: ExistingTicket = {
    ...(ticketStateOf([logged]) as ExistingTicket),
    status: 'awaiting_user',
    closure: 'confirmed',
    assigneeId: 'agent-7',
    acknowledgedAt: '2026-03-02T08:10:00.000Z',
    resolvedAt: '2026-03-02T08:20:00.000Z',
    closedAt: '2026-03-02T08:30:00.000Z',
    userError: { category: 'password_reset', reason: 'forgot password' },
    effortMinutes: 42,
    reopenCount: 3,
    chargeWaiver: { reason: 'goodwill', approverId: 'mgr-1' },
    followUp: { since: '2026-03-02T08:40:00.000Z', remindedAt: null, managerContactedAt: null },
    escalations: ['resolution:warning'],
    missedUpdatesRecorded: 2,
    lastCustomerUpdateAt: '2026-03-02T08:50:00.000Z',
  };
  const instant = '2026-03-02T09:00:00.000Z';

  it('is the spread of the state with the event time and the changes: same fields, values and order', () => {
    const next = changedTicket(state, instant, { status: 'resolved', resolvedAt: instant });
    const spread = { ...state, lastEventAt: instant, status: 'resolved', resolvedAt: instant };
    expect(next).toStrictEqual(spread);
    expect(Object.keys(next)).toEqual(Object.keys(spread));
    expect(new Set(Object.values(state)).size).toBeGreaterThan(20);
  });

  it('leaves the state it was given as it was', () => {
    const before = structuredClone(state);
    changedTicket(state, instant, { status: 'closed' });
    expect(state).toStrictEqual(before);
  });
});
