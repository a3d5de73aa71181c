import { TicketRecord, evolveTicketRecord } from '../sla/sla-clock';
import { at, loggedEvent, standardTerms } from '../testing/fixtures';
import { TicketEvent, TimedTicketEvent } from '../ticket/ticket-events';
import { dueActions, nextDueAtMs } from './due-actions';

const event = (type: TicketEvent['type'], data: object) => ({ type, schemaVersion: 1, data }) as TicketEvent;
const fold = (events: TimedTicketEvent[]) =>
  events.reduce<TicketRecord | null>(
    (record, e) => evolveTicketRecord(record, e, standardTerms),
    null,
  ) as TicketRecord;
const due = (events: TimedTicketEvent[], now: string) => {
  const { ticket, sla } = fold(events);
  return dueActions(ticket, sla, standardTerms, Date.parse(now), events).map((action) => [
    action.command.type,
    'data' in action.command && 'target' in action.command.data
      ? `${action.command.data.target}:${action.command.data.level}`
      : 'data' in action.command && 'occurrence' in action.command.data
        ? action.command.data.occurrence
        : '',
    new Date(action.dueAtMs).toISOString(),
  ]);
};

// Amsterdam office hours 09:00-17:00 (CET, +01:00 in March); P1: response 30, resolution 240, update 60.
describe('dueActions: what the agreement requires of a ticket by a given instant', () => {
  const logged = at('2026-03-02T09:00:00+01:00', loggedEvent({ priority: 'P1' }));

  it('escalates an unacknowledged ticket at 75% and 100% of its response target', () => {
    expect(due([logged], '2026-03-02T09:22:29+01:00')).toEqual([]);
    expect(due([logged], '2026-03-02T09:30:00+01:00')).toEqual([
      ['EscalateTicket', 'response:warning', '2026-03-02T08:22:30.000Z'],
      ['EscalateTicket', 'response:breach', '2026-03-02T08:30:00.000Z'],
    ]);
  });

  it('counts update intervals and resolution thresholds in running business time, carried over the night', () => {
    const acknowledged = at(
      '2026-03-02T09:10:00+01:00',
      event('TicketAcknowledged', { assigneeId: 'agent-1' }),
    );
    const update = at(
      '2026-03-02T16:30:00+01:00',
      event('CustomerUpdateRecorded', { channel: 'email', message: '' }),
    );
    // 16:30 -> 17:00 is 30 running minutes; the next 30 run on Tuesday from 09:00.
    expect(due([logged, acknowledged, update], '2026-03-03T09:30:00+01:00')).toEqual([
      ['EscalateTicket', 'resolution:warning', '2026-03-02T11:00:00.000Z'],
      ['EscalateTicket', 'resolution:breach', '2026-03-02T12:00:00.000Z'],
      ['RecordMissedCustomerUpdate', 1, '2026-03-03T08:30:00.000Z'],
    ]);
  });

  it('asks nothing of a paused clock but the follow-ups, and stops once the ticket is resolved or closed', () => {
    const acknowledged = at(
      '2026-03-02T09:10:00+01:00',
      event('TicketAcknowledged', { assigneeId: 'agent-1' }),
    );
    const updated = at(
      '2026-03-02T09:15:00+01:00',
      event('CustomerUpdateRecorded', { channel: 'email', message: '' }),
    );
    const waiting = at('2026-03-02T09:20:00+01:00', event('UserInfoRequested', { question: '?' }));
    // Reminder: end of the 2nd business day after Monday (Wednesday 17:00); manager: 5th (next Monday 17:00).
    expect(due([logged, acknowledged, updated, waiting], '2026-03-09T17:00:00+01:00')).toEqual([
      ['SendUserReminder', '', '2026-03-04T16:00:00.000Z'],
      ['ContactUserManager', '', '2026-03-09T16:00:00.000Z'],
    ]);
    const resolved = at(
      '2026-03-02T09:25:00+01:00',
      event('TicketResolved', { resolutionCode: 'x', notes: '' }),
    );
    const answered = at('2026-03-02T09:24:00+01:00', event('UserResponded', { response: '' }));
    expect(
      due([logged, acknowledged, updated, waiting, answered, resolved], '2026-03-05T16:59:59+01:00'),
    ).toEqual([]);
    expect(
      due([logged, acknowledged, updated, waiting, answered, resolved], '2026-03-05T17:00:00+01:00'),
    ).toEqual([['AutoCloseTicket', '', '2026-03-05T16:00:00.000Z']]);
    const confirmed = at('2026-03-03T10:00:00+01:00', event('ResolutionConfirmed', { comment: '' }));
    expect(
      due([logged, acknowledged, updated, waiting, answered, resolved, confirmed], '2026-04-01T00:00:00Z'),
    ).toEqual([]);
  });

  it('keeps with each ticket the instant its next action falls due: nothing before it, something at it', () => {
    const acknowledged = at(
      '2026-03-02T09:10:00+01:00',
      event('TicketAcknowledged', { assigneeId: 'agent-1' }),
    );
    const waiting = at('2026-03-02T09:20:00+01:00', event('UserInfoRequested', { question: '?' }));
    const answered = at('2026-03-04T10:00:00+01:00', event('UserResponded', { response: '' }));
    const resolved = at(
      '2026-03-04T10:30:00+01:00',
      event('TicketResolved', { resolutionCode: 'x', notes: '' }),
    );
    const histories = [
      [logged],
      [logged, acknowledged],
      [logged, acknowledged, waiting],
      [logged, acknowledged, waiting, answered, resolved],
    ];
    for (const history of histories) {
      const { ticket, sla } = fold(history);
      const next = nextDueAtMs(ticket, sla, standardTerms) as number;
      expect(next).not.toBeNull();
      expect(dueActions(ticket, sla, standardTerms, next - 1, history)).toEqual([]);
      expect(dueActions(ticket, sla, standardTerms, next, history).length).toBeGreaterThan(0);
    }
  });
});
