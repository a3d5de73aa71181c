import { standardTerms, at, loggedEvent } from '../testing/fixtures';
import { TicketEvent } from '../ticket/ticket-events';
import { slaClockOf } from './sla-clock';

const minutes = (ms: number | null) => (ms === null ? null : ms / 60_000);
const event = (type: TicketEvent['type'], data: object) => ({ type, schemaVersion: 1, data }) as TicketEvent;

/**
 * A P2 incident (response 60, resolution 480 business minutes), Amsterdam office hours 09-17 Mon-Fri:
 * logged Friday 16:00, acknowledged 16:20, waiting on the user from 16:40 over the weekend until Monday 10:00,
 * resolved Monday 11:30, rejected 13:00, resolved again Tuesday 10:00, confirmed Tuesday 15:00.
 */
const history = [
  at('2026-03-06T16:00:00+01:00', loggedEvent({ priority: 'P2' })),
  at('2026-03-06T16:20:00+01:00', event('TicketAcknowledged', { assigneeId: 'agent-1' })),
  at('2026-03-06T16:40:00+01:00', event('UserInfoRequested', { question: 'which laptop?' })),
  at('2026-03-09T10:00:00+01:00', event('UserResponded', { response: 'the Dell' })),
  at('2026-03-09T11:30:00+01:00', event('TicketResolved', { resolutionCode: 'fixed', notes: '' })),
  at('2026-03-09T13:00:00+01:00', event('ResolutionRejected', { reason: 'still broken' })),
  at('2026-03-10T10:00:00+01:00', event('TicketResolved', { resolutionCode: 'fixed', notes: '' })),
  at('2026-03-10T15:00:00+01:00', event('ResolutionConfirmed', { comment: '' })),
];

describe('the SLA clock of a ticket', () => {
  it('stops while awaiting the user and while resolved, and resumes on a rejected resolution', () => {
    const clock = slaClockOf(history, standardTerms, Date.parse('2026-03-11T12:00:00+01:00'));
    expect({
      status: clock.status,
      clock: clock.clock,
      response: minutes(clock.responseMs),
      running: minutes(clock.runningMs),
      paused: minutes(clock.pausedMs),
      target: minutes(clock.resolutionTargetMs),
      remaining: minutes(clock.remainingMs),
      resolvedAt: clock.resolvedAt,
      breached: clock.breached,
      breachedOpen: clock.breachedOpen,
      dueAt: clock.dueAt,
    }).toEqual({
      status: 'closed',
      clock: 'stopped',
      response: 20, // Fri 16:00-16:20
      running: 430, // Fri 16:00-16:40 (40) + Mon 10:00-11:30 (90) + Mon 13:00-17:00 (240) + Tue 09:00-10:00 (60)
      paused: 80, // Fri 16:40-17:00 (20) + Mon 09:00-10:00 (60); the weekend is outside business hours
      target: 480,
      remaining: 50,
      resolvedAt: '2026-03-10T09:00:00.000Z',
      breached: false,
      breachedOpen: false,
      dueAt: null,
    });
  });

  it('answers as of an earlier instant from the events known by then', () => {
    const clock = slaClockOf(history, standardTerms, Date.parse('2026-03-09T12:00:00+01:00'));
    expect(clock).toMatchObject({
      status: 'resolved',
      clock: 'stopped',
      resolvedAt: '2026-03-09T10:30:00.000Z',
    });
    expect(minutes(clock.runningMs)).toBe(130);
  });

  it('gives the due instant of a running clock in business time', () => {
    // As of Friday 16:30 the clock has run 30 minutes; 450 remain: 30 on Friday, then 420 from Monday 09:00.
    const clock = slaClockOf(history.slice(0, 2), standardTerms, Date.parse('2026-03-06T16:30:00+01:00'));
    expect(clock.clock).toBe('running');
    expect(clock.dueAt).toBe(new Date('2026-03-09T16:00:00+01:00').toISOString());
  });

  it('marks an open ticket past its target as breached-open, and a late first response as breached', () => {
    const p1 = [
      at('2026-03-02T09:00:00+01:00', loggedEvent({ priority: 'P1' })),
      at('2026-03-02T09:45:00+01:00', event('TicketAcknowledged', { assigneeId: null })),
    ];
    const clock = slaClockOf(p1, standardTerms, Date.parse('2026-03-02T14:00:00+01:00'));
    expect(minutes(clock.runningMs)).toBe(300);
    expect(minutes(clock.remainingMs)).toBe(-60);
    expect(clock).toMatchObject({ breached: false, breachedOpen: true, responseBreached: true, dueAt: null });
  });

  it('judges the target of the priority at resolution', () => {
    const raised = [
      at('2026-03-02T09:00:00+01:00', loggedEvent({ priority: 'P3' })),
      at('2026-03-02T09:05:00+01:00', event('TicketAcknowledged', { assigneeId: null })),
      at('2026-03-02T10:00:00+01:00', event('PriorityChanged', { from: 'P3', to: 'P1', reason: 'outage' })),
      at('2026-03-02T14:00:00+01:00', event('TicketResolved', { resolutionCode: 'fixed', notes: '' })),
    ];
    const clock = slaClockOf(raised, standardTerms, Date.parse('2026-03-03T09:00:00+01:00'));
    expect({ target: minutes(clock.resolutionTargetMs), breached: clock.breached }).toEqual({
      target: 240,
      breached: true, // 300 minutes against the P1 target of 240
    });
  });

  it('keeps running while awaiting the user when the agreement does not pause it', () => {
    const terms = { ...standardTerms, pausingStates: [] };
    const clock = slaClockOf(history, terms, Date.parse('2026-03-11T12:00:00+01:00'));
    expect({ running: minutes(clock.runningMs), paused: minutes(clock.pausedMs) }).toEqual({
      running: 510,
      paused: 0,
    });
    expect(clock.breached).toBe(true);
  });

  it('measures a closed-unresolved ticket until it was closed', () => {
    const closed = [
      at('2026-03-02T09:00:00+01:00', loggedEvent()),
      at('2026-03-02T09:30:00+01:00', event('TicketAcknowledged', { assigneeId: null })),
      at(
        '2026-03-02T11:00:00+01:00',
        event('TicketClosedUnresolved', { problemReference: 'PRB-1', reason: '' }),
      ),
    ];
    const clock = slaClockOf(closed, standardTerms, Date.parse('2026-03-05T09:00:00+01:00'));
    expect({ running: minutes(clock.runningMs), resolvedAt: clock.resolvedAt }).toEqual({
      running: 120,
      resolvedAt: '2026-03-02T10:00:00.000Z',
    });
  });

  it('counts each update interval of running time that passed without a customer update', () => {
    // P1: an update is owed every 60 business minutes of running clock.
    const p1 = [
      at('2026-03-02T09:00:00+01:00', loggedEvent({ priority: 'P1' })),
      at('2026-03-02T09:05:00+01:00', event('TicketAcknowledged', { assigneeId: null })),
      at(
        '2026-03-02T11:30:00+01:00',
        event('CustomerUpdateRecorded', { channel: 'email', message: 'working on it' }),
      ),
      at('2026-03-02T12:00:00+01:00', event('UserInfoRequested', { question: '?' })),
      at('2026-03-02T15:00:00+01:00', event('UserResponded', { response: '!' })),
    ];
    // 150 minutes before the update: 2 missed. Then 30 running + 3 h paused (not counted) + 60 running = 90: 1 more.
    const clock = slaClockOf(p1, standardTerms, Date.parse('2026-03-02T16:00:00+01:00'));
    expect(clock.missedCustomerUpdates).toBe(3);
    expect(minutes(clock.pausedMs)).toBe(180);
  });
});
