import { TOKENS, TestApp, publishAcmeAgreement, startTestApp } from '../support/test-app';
import { ticketBody } from '../support/fixtures';

describe('the ticket lifecycle over HTTP', () => {
  let t: TestApp;
  let agreementId: string;

  const agent = () => t.as(TOKENS.agent);
  const ann = () => t.as(TOKENS.requesterAcme);
  const headPosition = async () =>
    (await t.as(TOKENS.agent).get('/health').expect(200)).body.eventStore.headPosition;

  beforeAll(async () => {
    t = await startTestApp('2026-01-01T00:00:00Z');
    agreementId = await publishAcmeAgreement(t, 'ACME workplace');
  });
  afterAll(() => t.close());

  async function logTicket(at: string, overrides: object = {}) {
    t.clock.set(at);
    const response = await agent().post('/tickets', ticketBody(agreementId, overrides)).expect(201);
    return response.body.ticketId as string;
  }

  it('logs, awaits the user over a weekend, resolves and confirms, with the SLA clock and history to show for it', async () => {
    // Friday 6 March 2026, Amsterdam office hours 09-17; P2 targets: response 60, resolution 480 minutes.
    t.clock.set('2026-03-06T16:00:00+01:00');
    const logged = await agent().post('/tickets', ticketBody(agreementId)).expect(201);
    const ticketId = logged.body.ticketId;
    expect(logged.headers.location).toBe(`/tickets/${ticketId}`);
    expect(logged.headers.etag).toBe('"0"');
    expect(logged.body).toMatchObject({ streamRevision: 0, events: ['TicketLogged'], replayed: false });
    expect(logged.body.globalPosition).toMatch(/^\d+$/);

    t.clock.set('2026-03-06T16:20:00+01:00');
    await agent().post(`/tickets/${ticketId}/acknowledge`, { assigneeId: 'agent-1' }).expect(200);
    t.clock.set('2026-03-06T16:40:00+01:00');
    await agent().post(`/tickets/${ticketId}/request-user-info`, { question: 'Which laptop?' }).expect(200);
    t.clock.set('2026-03-09T10:00:00+01:00');
    await ann().post(`/tickets/${ticketId}/record-user-response`, { response: 'The Dell' }).expect(200);
    t.clock.set('2026-03-09T11:30:00+01:00');
    await agent()
      .post(`/tickets/${ticketId}/resolve`, { resolutionCode: 'fixed', notes: 'Rebuilt the profile' })
      .expect(200);

    t.clock.set('2026-03-09T12:00:00+01:00');
    const resolved = await ann().get(`/tickets/${ticketId}`).expect(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      agreement: { agreementId, version: 1 },
      sla: {
        clock: 'stopped',
        responseBusinessMinutes: 20,
        elapsedBusinessMinutes: 130, // Fri 16:00-16:40 + Mon 10:00-11:30
        pausedBusinessMinutes: 80, // Fri 16:40-17:00 + Mon 09:00-10:00; the weekend is not business time
        resolutionTargetMinutes: 480,
        remainingBusinessMinutes: 350,
        breached: false,
        breachedOpen: false,
      },
    });

    t.clock.set('2026-03-10T09:30:00+01:00');
    const confirmed = await ann()
      .post(`/tickets/${ticketId}/confirm`, { comment: 'Works, thanks' })
      .expect(200);
    expect(confirmed.body).toMatchObject({ streamRevision: 5, events: ['ResolutionConfirmed'] });
    const closed = await agent().get(`/tickets/${ticketId}`).expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', closure: 'confirmed' });

    const history = await t.as(TOKENS.auditor).get(`/tickets/${ticketId}/history`).expect(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual([
      'TicketLogged',
      'TicketAcknowledged',
      'UserInfoRequested',
      'UserResponded',
      'TicketResolved',
      'ResolutionConfirmed',
    ]);
    expect(history.body.events.map((e: { streamRevision: number }) => e.streamRevision)).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    const positions = history.body.events.map((e: { globalPosition: string }) => BigInt(e.globalPosition));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(history.body.events[3]).toMatchObject({
      type: 'UserResponded',
      schemaVersion: 1,
      occurredAt: '2026-03-09T09:00:00.000Z',
      actor: { id: 'req-ann', role: 'requester' },
      data: { response: 'The Dell' },
    });
    for (const event of history.body.events) {
      expect(event.correlationId).toEqual(expect.any(String));
      expect(event.commandId).toEqual(expect.any(String));
      expect(event.causationId).toBe(event.commandId);
      expect(Date.parse(event.recordedAt)).not.toBeNaN();
    }
    expect(history.body.nextRevision).toBeNull();

    // As it stood before the weekend was over, folded from the events (not from a read model).
    const asOf = await t
      .as(TOKENS.auditor)
      .get(`/tickets/${ticketId}?asOf=2026-03-09T12:00:00%2B01:00`)
      .expect(200);
    expect(asOf.body).toMatchObject({
      status: 'resolved',
      streamRevision: 4,
      sla: { asOf: '2026-03-09T11:00:00.000Z', elapsedBusinessMinutes: 130, pausedBusinessMinutes: 80 },
    });
    const waiting = await agent().get(`/tickets/${ticketId}?asOf=2026-03-09T08:30:00Z`).expect(200);
    expect(waiting.body).toMatchObject({ status: 'awaiting_user', sla: { clock: 'paused' } });
    await agent()
      .get(`/tickets/${ticketId}?asOf=2026-03-06T14:00:00Z`)
      .expect(404)
      .expect((r) => expect(r.body.message).toMatch(/was not logged by 2026-03-06T14:00:00.000Z/));
    await agent().get(`/tickets/${ticketId}?asOf=yesterday`).expect(400);
    await t.as(TOKENS.requesterGlobex).get(`/tickets/${ticketId}?asOf=2026-03-06T14:00:00Z`).expect(403);

    const timeline = await ann().get(`/tickets/${ticketId}/timeline`).expect(200);
    expect(timeline.body.entries.map((e: { description: string }) => e.description)).toEqual([
      'Logged as incident (P2) for email: Mailbox does not open',
      'Acknowledged and taken by agent-1',
      'Waiting for the user: Which laptop?',
      'The user responded: The Dell',
      'Resolved (fixed): Rebuilt the profile',
      'The customer confirmed the resolution: Works, thanks',
    ]);
    expect(timeline.body.entries[3]).toMatchObject({
      actor: { id: 'req-ann', role: 'requester' },
      statusAfter: 'in_progress',
    });
    expect(
      timeline.body.statusPeriods.map(
        (p: { status: string; wallMinutes: number; businessMinutes: number }) => [
          p.status,
          p.wallMinutes,
          p.businessMinutes,
        ],
      ),
    ).toEqual([
      ['logged', 20, 20],
      ['in_progress', 20, 20],
      ['awaiting_user', 3 * 24 * 60 - 400, 80], // Fri 16:40 to Mon 10:00
      ['in_progress', 90, 90],
      ['resolved', 22 * 60, 360], // Mon 11:30 to Tue 09:30 (as confirmed)
      ['closed', 0, 0], // closed at Tue 09:30, which is also the clock's now
    ]);

    const page = await agent().get(`/tickets/${ticketId}/history?fromRevision=2&limit=2`).expect(200);
    expect(page.body.events.map((e: { streamRevision: number }) => e.streamRevision)).toEqual([2, 3]);
    expect(page.body.nextRevision).toBe(4);
  });

  it('answers bad input with 400 naming every field at fault, and appends nothing', async () => {
    const before = await headPosition();
    const response = await agent()
      .post('/tickets', { ...ticketBody(agreementId), priority: 'P9', requester: { id: 'x' }, colour: 'red' })
      .expect(400);
    expect(response.body.code).toBe('validation_failed');
    const fields = response.body.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'colour',
        'priority',
        'requester.name',
        'requester.email',
        'requester.manager',
      ]),
    );
    await agent().post('/tickets/bad%24id/resolve', { resolutionCode: 'x' }).expect(400);
    await agent().post('/tickets/abc/log-effort', { minutes: 0 }).expect(400);
    await agent().get('/tickets/abc/history?limit=5000').expect(400);
    await agent().post('/tickets', 'not json').set('Content-Type', 'application/json').expect(400);
    const huge = await agent()
      .post('/tickets', { ...ticketBody(agreementId), description: 'x'.repeat(70_000) })
      .expect(413);
    expect(huge.body).toMatchObject({
      statusCode: 413,
      code: expect.any(String),
      message: expect.any(String),
    });
    expect(await headPosition()).toBe(before);
  });

  it('answers 404 for an unknown ticket', async () => {
    const response = await agent().post('/tickets/no-such-ticket/acknowledge', {}).expect(404);
    expect(response.body).toMatchObject({ code: 'ticket_not_found' });
    await agent().get('/tickets/no-such-ticket').expect(404);
  });

  it('refuses an illegal transition with 422, the code and the reason, and appends nothing', async () => {
    const ticketId = await logTicket('2026-03-02T09:00:00+01:00');
    const before = await headPosition();
    const response = await ann().post(`/tickets/${ticketId}/confirm`, {}).expect(422);
    expect(response.body).toMatchObject({
      code: 'illegal_transition',
      message: 'cannot confirm the resolution: the ticket is logged',
      status: 'logged',
    });
    await agent()
      .post(`/tickets/${ticketId}/reclassify-as-user-error`, { category: 'coffee', reason: 'x' })
      .expect(422)
      .expect((r) => expect(r.body.code).toBe('unknown_rate_card_category'));
    await agent()
      .post('/tickets', ticketBody(agreementId, { service: 'printers' }))
      .expect(422)
      .expect((r) => expect(r.body.code).toBe('service_not_covered'));
    expect(await headPosition()).toBe(before);
  });

  it('answers 409 when If-Match names a revision that is no longer current', async () => {
    const ticketId = await logTicket('2026-03-02T09:00:00+01:00');
    await agent().post(`/tickets/${ticketId}/acknowledge`, {}).set('If-Match', '"0"').expect(200);
    const stale = await agent()
      .post(`/tickets/${ticketId}/assign`, { assigneeId: 'agent-2' })
      .set('If-Match', '"0"')
      .expect(409);
    expect(stale.body).toMatchObject({ code: 'stale_revision', expectedRevision: 0, currentRevision: 1 });
    await agent()
      .post(`/tickets/${ticketId}/assign`, { assigneeId: 'agent-2' })
      .set('If-Match', '"1"')
      .expect(200);
    await agent()
      .post(`/tickets/${ticketId}/assign`, { assigneeId: 'agent-3' })
      .set('If-Match', 'soon')
      .expect(400);
  });

  it('lets exactly one of 200 concurrent commands with the same If-Match through', async () => {
    const ticketId = await logTicket('2026-03-02T09:00:00+01:00');
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        agent()
          .post(`/tickets/${ticketId}/record-customer-update`, { channel: 'email', message: `update ${n}` })
          .set('If-Match', '0'),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(199);
    const history = await agent().get(`/tickets/${ticketId}/history`).expect(200);
    expect(history.body.events.map((e: { streamRevision: number }) => e.streamRevision)).toEqual([0, 1]);
  });

  it('returns the first result for a retried Idempotency-Key and appends nothing new', async () => {
    t.clock.set('2026-03-02T09:00:00+01:00');
    const first = await agent()
      .post('/tickets', ticketBody(agreementId))
      .set('Idempotency-Key', 'log-42')
      .expect(201);
    const retry = await agent()
      .post('/tickets', ticketBody(agreementId))
      .set('Idempotency-Key', 'log-42')
      .expect(201);
    expect(retry.body).toEqual({ ...first.body, replayed: true });
    expect(retry.headers['idempotent-replayed']).toBe('true');

    const ticketId = first.body.ticketId;
    const ack = () => agent().post(`/tickets/${ticketId}/acknowledge`, {}).set('Idempotency-Key', 'ack-42');
    const [a, b, c] = await Promise.all([ack(), ack(), ack()]);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(new Set([a.body.globalPosition, b.body.globalPosition, c.body.globalPosition]).size).toBe(1);
    const history = await agent().get(`/tickets/${ticketId}/history`).expect(200);
    expect(history.body.events).toHaveLength(2);

    const reused = await agent()
      .post(`/tickets/${ticketId}/assign`, { assigneeId: 'agent-9' })
      .set('Idempotency-Key', 'ack-42')
      .expect(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
  });

  it('records a rejected resolution as a reopen and runs the clock again', async () => {
    const ticketId = await logTicket('2026-03-02T09:00:00+01:00');
    t.clock.set('2026-03-02T09:30:00+01:00');
    await agent().post(`/tickets/${ticketId}/acknowledge`, {}).expect(200);
    t.clock.set('2026-03-02T10:00:00+01:00');
    await agent().post(`/tickets/${ticketId}/resolve`, { resolutionCode: 'fixed' }).expect(200);
    t.clock.set('2026-03-02T11:00:00+01:00');
    await ann().post(`/tickets/${ticketId}/reject-resolution`, { reason: 'Still broken' }).expect(200);
    t.clock.set('2026-03-02T12:00:00+01:00');
    const detail = await agent().get(`/tickets/${ticketId}`).expect(200);
    expect(detail.body).toMatchObject({
      status: 'in_progress',
      reopenCount: 1,
      sla: { clock: 'running', elapsedBusinessMinutes: 120, remainingBusinessMinutes: 360 },
    });
    // 360 minutes left at Monday 12:00: 300 until 17:00, then 60 from Tuesday 09:00.
    expect(detail.body.sla.dueAt).toBe('2026-03-03T09:00:00.000Z');
  });
});
