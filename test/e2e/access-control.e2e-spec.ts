import { TOKENS, TestApp, publishAcmeAgreement, startTestApp } from '../support/test-app';
import { acmeTerms, ticketBody } from '../support/fixtures';

/**
 * Every write route against every role: who may act is decided before any rule is checked,
 * and a refused caller changes nothing.
 */
describe('who may do what', () => {
  let t: TestApp;
  let agreementId: string;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp('2026-03-02T08:00:00Z');
    agreementId = await publishAcmeAgreement(t);
    ticketId = (await t.as(TOKENS.agent).post('/tickets', ticketBody(agreementId)).expect(201)).body.ticketId;
  });
  afterAll(() => t.close());

  const headPosition = async () => (await t.as(TOKENS.agent).get('/health')).body.eventStore.headPosition;

  const actions: Array<[string, object]> = [
    ['acknowledge', {}],
    ['assign', { assigneeId: 'agent-2' }],
    ['change-priority', { priority: 'P1', reason: 'x' }],
    ['record-customer-update', { channel: 'email', message: 'x' }],
    ['request-user-info', { question: 'x' }],
    ['reclassify-as-user-error', { category: 'password_reset', reason: 'x' }],
    ['revoke-user-error-reclassification', { reason: 'x' }],
    ['log-effort', { minutes: 5 }],
    ['resolve', { resolutionCode: 'x' }],
    ['close-unresolved', { problemReference: 'PRB-1' }],
    ['waive-charge', { reason: 'x', approverId: 'mgr-1' }],
    ['revoke-charge-waiver', { reason: 'x' }],
    ['correct-effort', { totalMinutes: 5, reason: 'x' }],
    ['correct-user-error-category', { category: 'data_correction', reason: 'x' }],
    ['record-user-response', { response: 'x' }],
    ['confirm', {}],
    ['reject-resolution', { reason: 'x' }],
    ['auto-close', {}],
  ];
  const requesterMay = ['record-user-response', 'confirm', 'reject-resolution'];
  const systemMay = ['auto-close'];

  it('needs a valid bearer token for every route but health and the API docs', async () => {
    const server = t.app.getHttpServer();
    const request = (await import('supertest')).default;
    await request(server).get(`/tickets/${ticketId}`).expect(401);
    await request(server).post('/tickets').send(ticketBody(agreementId)).expect(401);
    await request(server)
      .post(`/tickets/${ticketId}/resolve`)
      .set('Authorization', 'Bearer nope-nope-nope')
      .expect(401);
    await request(server).get('/agreements/x').set('Authorization', 'Basic abc').expect(401);
    await request(server).get('/health').expect(200);
    await request(server).get('/docs-json').expect(200);
  });

  it.each(['auditor', 'reporting'] as const)('never lets the %s role write', async (role) => {
    const before = await headPosition();
    const token = TOKENS[role];
    await t.as(token).post('/tickets', ticketBody(agreementId)).expect(403);
    for (const [action, body] of actions) {
      const response = await t.as(token).post(`/tickets/${ticketId}/${action}`, body);
      expect([action, response.status]).toEqual([action, 403]);
    }
    await t
      .as(token)
      .post('/agreements', { customerId: 'acme', name: 'x', services: ['email'] })
      .expect(403);
    expect(await headPosition()).toBe(before);
    await t.as(token).get(`/tickets/${ticketId}`).expect(200);
    await t.as(token).get(`/tickets/${ticketId}/history`).expect(200);
  });

  it('lets a requester confirm, reject or answer on their own tickets only, and nothing else', async () => {
    const before = await headPosition();
    for (const [action, body] of actions.filter(([action]) => !requesterMay.includes(action))) {
      const response = await t.as(TOKENS.requesterAcme).post(`/tickets/${ticketId}/${action}`, body);
      expect([action, response.status]).toEqual([action, 403]);
    }
    // Allowed by role: the answer is the lifecycle's (the ticket is only logged), not a 403.
    for (const action of requesterMay) {
      const body = actions.find(([a]) => a === action)?.[1];
      const response = await t.as(TOKENS.requesterAcme).post(`/tickets/${ticketId}/${action}`, body);
      expect([action, response.status]).toEqual([action, 422]);
    }
    // Someone else's ticket, same customer.
    const other = ticketBody(agreementId, {
      requester: {
        id: 'req-carl',
        name: 'Carl',
        email: 'carl@acme.example',
        manager: { id: 'm', name: 'M', email: 'm@acme.example' },
      },
    });
    const carls = (await t.as(TOKENS.agent).post('/tickets', other).expect(201)).body.ticketId;
    await t.as(TOKENS.requesterAcme).post(`/tickets/${carls}/confirm`, {}).expect(403);
    // A requester logs tickets for themselves only.
    await t.as(TOKENS.requesterAcme).post('/tickets', other).expect(403);
    expect(BigInt(await headPosition())).toBe(BigInt(before) + 1n);
    await t.as(TOKENS.requesterAcme).post('/tickets', ticketBody(agreementId)).expect(201);
  });

  it("keeps a requester of another customer out of this customer's tickets", async () => {
    const before = await headPosition();
    await t.as(TOKENS.requesterGlobex).get(`/tickets/${ticketId}`).expect(403);
    await t.as(TOKENS.requesterGlobex).get(`/tickets/${ticketId}/history`).expect(403);
    await t.as(TOKENS.requesterGlobex).post(`/tickets/${ticketId}/confirm`, {}).expect(403);
    await t.as(TOKENS.requesterGlobex).get(`/agreements/${agreementId}`).expect(403);
    const logged = await t.as(TOKENS.requesterGlobex).post(
      '/tickets',
      ticketBody(agreementId, {
        requester: {
          id: 'req-gus',
          name: 'Gus',
          email: 'gus@globex.example',
          manager: { id: 'm', name: 'M', email: 'm@globex.example' },
        },
      }),
    );
    expect(logged.status).toBe(403);
    expect(await headPosition()).toBe(before);
  });

  it('keeps auto-closing to the automation (system) and admins', async () => {
    for (const token of [TOKENS.agent, TOKENS.requesterAcme]) {
      await t.as(token).post(`/tickets/${ticketId}/auto-close`, {}).expect(403);
    }
    for (const action of systemMay) {
      // Allowed by role; refused by the lifecycle since the ticket is not resolved.
      await t.as(TOKENS.system).post(`/tickets/${ticketId}/${action}`, {}).expect(422);
    }
  });

  it('lets only admins manage agreements', async () => {
    await t
      .as(TOKENS.agent)
      .post('/agreements', { customerId: 'acme', name: 'x', services: ['email'] })
      .expect(403);
    await t
      .as(TOKENS.agent)
      .post(`/agreements/${agreementId}/versions`, {
        effectiveFrom: '2027-01-01T00:00:00Z',
        terms: acmeTerms,
      })
      .expect(403);
  });
});
