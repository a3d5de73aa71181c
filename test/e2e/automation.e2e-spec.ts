import { AutomationScheduler } from '@app/automation';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { ProjectionProgress } from '@app/projections';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECTION_PROGRESS } from '../../apps/api/src/projection/read-your-writes';
import { ticketBody } from '../support/fixtures';
import { TOKENS, TestApp, publishAcmeAgreement, startTestApp } from '../support/test-app';

/**
 * The process manager against the clock: ACME's agreement (Amsterdam, Mon-Fri 09:00-17:00, holidays
 * 25-26 Dec; auto-close after 3 business days; reminder after 2, manager after 5; update intervals
 * P1 60, P2 120, P3 480, P4 960 business minutes). Each test moves the clock and ticks by hand, then checks
 * which automation events happened, dated when, and which emails went out.
 */
describe('automation: the agreement rules act by themselves, in business time', () => {
  let t: TestApp;
  let agreementId: string;

  beforeAll(async () => {
    t = await startTestApp('2026-01-01T00:00:00Z');
    agreementId = await publishAcmeAgreement(t);
  });
  afterAll(() => t.close());

  const agent = () => t.as(TOKENS.agent);
  const at = (instant: string) => t.clock.set(instant);
  async function tickAt(instant: string) {
    at(instant);
    const events = t.app.get<EventStore>(EVENT_STORE);
    await t.app.get<ProjectionProgress>(PROJECTION_PROGRESS).waitFor(await events.headPosition(), 5000);
    return t.app.get(AutomationScheduler).tick();
  }
  async function logTicket(instant: string, priority: string) {
    at(instant);
    const response = await agent().post('/tickets', ticketBody(agreementId, { priority })).expect(201);
    return response.body.ticketId as string;
  }
  const act = (
    instant: string,
    ticketId: string,
    action: string,
    body: object = {},
    token: string = TOKENS.agent,
  ) => {
    at(instant);
    return t.as(token).post(`/tickets/${ticketId}/${action}`, body).expect(200);
  };
  /** The automation's events of a ticket: [type, occurredAt]. */
  async function automationEvents(ticketId: string) {
    const history = await t.as(TOKENS.auditor).get(`/tickets/${ticketId}/history`).expect(200);
    return history.body.events
      .filter((e: { actor: { id: string } }) => e.actor.id === 'automation')
      .map((e: { type: string; occurredAt: string; data: Record<string, unknown> }) => [
        e.type,
        e.occurredAt,
      ]);
  }
  /** The emails written for a ticket: [to, subject], sorted (the folder has no order). */
  function mails(ticketId: string): Array<[string, string]> {
    const folder = join(t.dataDir, 'mail');
    if (!existsSync(folder)) return [];
    return readdirSync(folder)
      .sort()
      .map((file) => readFileSync(join(folder, file), 'utf8'))
      .filter((text) => text.includes(`[${ticketId}]`))
      .map(
        (text) =>
          [/^To: (.*)$/m.exec(text)?.[1] ?? '', /^Subject: (.*)$/m.exec(text)?.[1] ?? ''] as [string, string],
      );
  }

  it('auto-closes a resolved ticket at the end of its third business day, across the switch to summer time; a rejected one stays open', async () => {
    // Friday 27 March 2026, CET (+01:00); clocks go forward on Sunday 29 March.
    const quiet = await logTicket('2026-03-27T09:00:00+01:00', 'P4');
    await act('2026-03-27T09:05:00+01:00', quiet, 'acknowledge', { assigneeId: 'agent-1' });
    await act('2026-03-27T10:00:00+01:00', quiet, 'resolve', { resolutionCode: 'fixed' });
    const rejected = await logTicket('2026-03-27T09:00:00+01:00', 'P4');
    await act('2026-03-27T09:05:00+01:00', rejected, 'acknowledge', { assigneeId: 'agent-1' });
    await act('2026-03-27T10:00:00+01:00', rejected, 'resolve', { resolutionCode: 'fixed' });
    await act(
      '2026-03-30T11:00:00+02:00',
      rejected,
      'reject-resolution',
      { reason: 'still broken' },
      TOKENS.requesterAcme,
    );
    await act('2026-03-31T09:00:00+02:00', rejected, 'record-customer-update', {
      channel: 'email',
      message: 'on it',
    });

    // Business days after Friday: Mon 30, Tue 31 March, Wed 1 April; its end is 17:00 CEST = 15:00Z.
    await tickAt('2026-04-01T14:59:00Z');
    expect(await automationEvents(quiet)).toEqual([]);
    const report = await tickAt('2026-04-01T15:00:00Z');
    expect(await automationEvents(quiet)).toEqual([['TicketAutoClosed', '2026-04-01T15:00:00.000Z']]);
    // Reopened on Monday, it runs again: no auto-close, but its P4 update interval (960 running minutes
    // since Tuesday's update at 09:00) ran out at the same instant.
    expect(await automationEvents(rejected)).toEqual([['CustomerUpdateMissed', '2026-04-01T15:00:00.000Z']]);
    expect(
      report.outcomes
        .filter((o) => o.kind === 'applied')
        .map((o) => [o.ticketId, o.type])
        .sort(),
    ).toEqual(
      [
        [quiet, 'AutoCloseTicket'],
        [rejected, 'RecordMissedCustomerUpdate'],
      ].sort(),
    );
    // Reported as auto-closed, not confirmed.
    const detail = await agent().get(`/tickets/${quiet}`).expect(200);
    expect(detail.body).toMatchObject({ status: 'closed', closure: 'auto_closed' });
    // Ticking again issues nothing again.
    const again = await tickAt('2026-04-01T15:30:00Z');
    expect(again.outcomes.filter((o) => o.kind === 'applied')).toEqual([]);
    expect(await automationEvents(quiet)).toHaveLength(1);
  });

  it('reminds a silent user after 2 business days and contacts their manager after 5, skipping the weekend and the Christmas holidays', async () => {
    const ticketId = await logTicket('2026-12-21T09:00:00+01:00', 'P3');
    await act('2026-12-21T09:05:00+01:00', ticketId, 'acknowledge', { assigneeId: 'agent-1' });
    await act('2026-12-21T10:00:00+01:00', ticketId, 'request-user-info', { question: 'Which laptop?' });
    expect(mails(ticketId).sort()).toEqual([]);
    await tickAt('2026-12-21T10:01:00+01:00');
    expect(mails(ticketId).sort()).toEqual(
      [
        [
          'Ann Example <ann@acme.example>',
          `[${ticketId}] We have logged your request: Mailbox does not open`,
        ],
      ].sort(),
    );
    // Reminder: end of the 2nd business day after Monday 21 December = Wednesday 23rd, 17:00.
    await tickAt('2026-12-23T16:59:00+01:00');
    expect(await automationEvents(ticketId)).toEqual([]);
    await tickAt('2026-12-23T17:00:00+01:00');
    expect(await automationEvents(ticketId)).toEqual([['UserReminderSent', '2026-12-23T16:00:00.000Z']]);
    // Manager: Tue 22, Wed 23, Thu 24, (Fri 25 and Sat 26 holidays, Sun 27), Mon 28, Tue 29 December.
    await tickAt('2026-12-29T16:59:00+01:00');
    expect(await automationEvents(ticketId)).toHaveLength(1);
    await tickAt('2026-12-29T17:00:00+01:00');
    expect(await automationEvents(ticketId)).toEqual([
      ['UserReminderSent', '2026-12-23T16:00:00.000Z'],
      ['UserManagerContacted', '2026-12-29T16:00:00.000Z'],
    ]);
    expect(mails(ticketId).sort()).toEqual(
      [
        ['Ann Example <ann@acme.example>', `[${ticketId}] Reminder: we are waiting for your answer`],
        [
          'Ann Example <ann@acme.example>',
          `[${ticketId}] We have logged your request: Mailbox does not open`,
        ],
        ['Bob Boss <bob@acme.example>', `[${ticketId}] Ann Example has not answered for 5 business days`],
      ].sort(),
    );
    // The clock stayed paused: no missed updates or escalations while the ticket waited for the user.
    await act(
      '2026-12-30T09:00:00+01:00',
      ticketId,
      'record-user-response',
      { response: 'The Dell' },
      TOKENS.requesterAcme,
    );
    await tickAt('2026-12-30T09:01:00+01:00');
    expect((await automationEvents(ticketId)).map(([type]: [string]) => type)).toEqual([
      'UserReminderSent',
      'UserManagerContacted',
    ]);
  });

  it('records a P1 missed customer update every 60 running minutes and escalates at 75% and at breach, notifying the assignee', async () => {
    const ticketId = await logTicket('2026-03-02T09:00:00+01:00', 'P1');
    await act('2026-03-02T09:10:00+01:00', ticketId, 'acknowledge', { assigneeId: 'agent-1' });
    for (const time of ['09:30', '10:00', '10:30', '11:00']) await tickAt(`2026-03-02T${time}:00+01:00`);
    await act('2026-03-02T11:30:00+01:00', ticketId, 'record-customer-update', {
      channel: 'phone',
      message: 'working on it',
    });
    for (const time of ['11:30', '12:00', '12:30', '13:00', '13:30'])
      await tickAt(`2026-03-02T${time}:00+01:00`);
    expect(await automationEvents(ticketId)).toEqual([
      ['CustomerUpdateMissed', '2026-03-02T09:00:00.000Z'],
      ['CustomerUpdateMissed', '2026-03-02T10:00:00.000Z'],
      ['TicketEscalated', '2026-03-02T11:00:00.000Z'],
      ['CustomerUpdateMissed', '2026-03-02T11:30:00.000Z'],
      ['TicketEscalated', '2026-03-02T12:00:00.000Z'],
      ['CustomerUpdateMissed', '2026-03-02T12:30:00.000Z'],
    ]);
    const history = await t.as(TOKENS.auditor).get(`/tickets/${ticketId}/history`).expect(200);
    const escalations = history.body.events.filter((e: { type: string }) => e.type === 'TicketEscalated');
    expect(escalations.map((e: { data: object }) => e.data)).toEqual([
      {
        target: 'resolution',
        level: 'warning',
        priority: 'P1',
        thresholdAt: '2026-03-02T11:00:00.000Z',
        assigneeId: 'agent-1',
      },
      {
        target: 'resolution',
        level: 'breach',
        priority: 'P1',
        thresholdAt: '2026-03-02T12:00:00.000Z',
        assigneeId: 'agent-1',
      },
    ]);
    const toAgent = mails(ticketId).filter(([to]) => to === 'agent-1@agents.service-desk.invalid');
    expect(toAgent.map(([, subject]) => subject).sort()).toEqual(
      [
        `[${ticketId}] Customer update overdue (P1)`,
        `[${ticketId}] Customer update overdue (P1)`,
        `[${ticketId}] Customer update overdue (P1)`,
        `[${ticketId}] Customer update overdue (P1)`,
        `[${ticketId}] Escalation: resolution target at 75% (P1)`,
        `[${ticketId}] Escalation: resolution target breached (P1)`,
      ].sort(),
    );
    // The reported figure agrees with what was recorded: 2 missed before the update, 2 after it (by 13:30).
    const detail = await agent().get(`/tickets/${ticketId}`).expect(200);
    expect(detail.body.sla.missedCustomerUpdates).toBe(4);
  });
});
