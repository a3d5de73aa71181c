import fc from 'fast-check';
import request from 'supertest';
import { TOKENS, TestApp, publishAcmeAgreement, startTestApp } from '../support/test-app';
import { ticketBody } from '../support/fixtures';

/**
 * Malformed input on every route: every answer is a 4xx with the JSON error shape, never a 500, and the
 * event store is unchanged. The target ticket is closed, so that even a well-formed body is refused.
 */
describe('fuzzing every route with malformed input', () => {
  let t: TestApp;
  let ticketId: string;
  let agreementId: string;
  let head: string;

  const actions = [
    'acknowledge',
    'assign',
    'change-priority',
    'record-customer-update',
    'request-user-info',
    'record-user-response',
    'reclassify-as-user-error',
    'revoke-user-error-reclassification',
    'log-effort',
    'resolve',
    'confirm',
    'reject-resolution',
    'auto-close',
    'close-unresolved',
    'waive-charge',
    'revoke-charge-waiver',
    'correct-effort',
    'correct-user-error-category',
  ];
  const postRoutes = () => [
    '/tickets',
    '/agreements',
    `/agreements/${agreementId}/versions`,
    ...actions.map((a) => `/tickets/${ticketId}/${a}`),
  ];
  const getRoutes = () => [
    '/tickets',
    `/tickets/${ticketId}`,
    `/tickets/${ticketId}/history`,
    `/tickets/${ticketId}/timeline`,
    '/reports/sla',
    '/reports/charges',
    '/reports/sla/diff',
    '/reports/charges/diff',
    `/agreements/${agreementId}`,
  ];

  beforeAll(async () => {
    t = await startTestApp('2026-03-02T08:00:00Z');
    agreementId = await publishAcmeAgreement(t);
    const agent = t.as(TOKENS.agent);
    ticketId = (await agent.post('/tickets', ticketBody(agreementId)).expect(201)).body.ticketId;
    await agent.post(`/tickets/${ticketId}/acknowledge`, {}).expect(200);
    await agent.post(`/tickets/${ticketId}/close-unresolved`, { problemReference: 'PRB-1' }).expect(200);
    head = (await agent.get('/health')).body.eventStore.headPosition;
  });
  afterAll(() => t.close());

  const isClientError = (response: request.Response) =>
    response.status >= 400 &&
    response.status < 500 &&
    typeof response.body === 'object' &&
    response.body.statusCode === response.status &&
    typeof response.body.code === 'string' &&
    typeof response.body.message === 'string';

  const check = (response: request.Response, what: string) => {
    if (!isClientError(response))
      throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
  };

  it('answers malformed JSON bodies on every write route with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...postRoutes()),
        fc.jsonValue({ maxDepth: 3 }),
        async (route, body) => {
          const response = await request(t.app.getHttpServer())
            .post(route)
            .set('Authorization', `Bearer ${TOKENS.admin}`)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body));
          check(response, `POST ${route} ${JSON.stringify(body).slice(0, 100)}`);
        },
      ),
      { numRuns: 600 },
    );
  }, 120_000);

  it('answers bodies that are not JSON, and hostile headers, with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...postRoutes()),
        fc.string({ maxLength: 200 }),
        fc.option(fc.string({ maxLength: 60 })),
        fc.option(fc.string({ maxLength: 60 })),
        fc.option(fc.string({ maxLength: 60 })),
        async (route, raw, ifMatch, key, bearer) => {
          const req = request(t.app.getHttpServer())
            .post(route)
            .set(
              'Authorization',
              bearer === null ? `Bearer ${TOKENS.agent}` : `Bearer ${bearer.replace(/[^\x21-\x7e]/g, '')}x`,
            )
            .set('Content-Type', 'application/json');
          if (ifMatch !== null) req.set('If-Match', ifMatch.replace(/[^\x20-\x7e]/g, '') || '"x"');
          if (key !== null) req.set('Idempotency-Key', key.replace(/[^\x20-\x7e]/g, '') || ' ');
          check(await req.send(`{${raw}`), `POST ${route} raw`);
        },
      ),
      { numRuns: 400 },
    );
  }, 120_000);

  it('answers malformed ids and query parameters on every read route with a 4xx or the data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...getRoutes()),
        fc.dictionary(
          fc.constantFrom(
            'customer',
            'customerId',
            'month',
            'groupBy',
            'asOf',
            'after',
            'limit',
            'cursor',
            'sort',
            'order',
            'breached',
            'from',
            'to',
            'whatIfVersion',
            'fromRevision',
            'priority',
            'junk',
          ),
          fc.string({ maxLength: 30 }),
          { maxKeys: 4 },
        ),
        fc.string({ minLength: 1, maxLength: 40 }),
        async (route, query, id) => {
          const server = t.app.getHttpServer();
          const auth = `Bearer ${TOKENS.auditor}`;
          const listed = await request(server).get(route).query(query).set('Authorization', auth);
          if (listed.status !== 200) check(listed, `GET ${route} ${JSON.stringify(query)}`);
          const byId = await request(server)
            .get(`/tickets/${encodeURIComponent(id)}`)
            .set('Authorization', auth);
          check(byId, `GET /tickets/${id}`);
        },
      ),
      { numRuns: 400 },
    );
  }, 120_000);

  it('left the event store unchanged', async () => {
    expect((await t.as(TOKENS.agent).get('/health')).body.eventStore.headPosition).toBe(head);
  });
});
