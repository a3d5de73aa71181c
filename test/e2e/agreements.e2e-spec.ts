import { TOKENS, TestApp, startTestApp } from '../support/test-app';
import { acmeTerms, ticketBody } from '../support/fixtures';

describe('SLA agreements over HTTP', () => {
  let t: TestApp;
  let agreementId: string;
  const admin = () => t.as(TOKENS.admin);

  beforeAll(async () => {
    t = await startTestApp('2026-03-02T08:00:00Z');
    agreementId = (
      await admin()
        .post('/agreements', { customerId: 'acme', name: 'ACME', services: ['email'] })
        .expect(201)
    ).body.agreementId;
  });
  afterAll(() => t.close());

  it('refuses malformed terms with 400 naming the fields', async () => {
    const response = await admin()
      .post(`/agreements/${agreementId}/versions`, {
        effectiveFrom: '2026-01-01T00:00:00', // no zone
        terms: {
          ...acmeTerms,
          targets: { ...acmeTerms.targets, P1: { responseMinutes: 0, resolutionMinutes: 'soon' } },
          rateCard: { currency: 'EUR', categories: { reset: { pricing: 'free' } } },
          calendar: { ...acmeTerms.calendar, workingHours: { monday: [{ from: '9am', to: '17:00' }] } },
        },
      })
      .expect(400);
    expect(response.body.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining([
        'effectiveFrom',
        'terms.targets.P1.responseMinutes',
        'terms.targets.P1.resolutionMinutes',
        'terms.rateCard.categories',
        'terms.calendar.workingHours.monday.0.from',
      ]),
    );
  });

  it('refuses terms that cannot be measured with 422 listing each problem', async () => {
    const response = await admin()
      .post(`/agreements/${agreementId}/versions`, {
        effectiveFrom: '2026-01-01T00:00:00Z',
        terms: {
          ...acmeTerms,
          calendar: {
            timeZone: 'Europe/Atlantis',
            workingHours: {
              monday: [
                { from: '09:00', to: '13:00' },
                { from: '12:00', to: '17:00' },
              ],
            },
            holidays: [],
          },
        },
      })
      .expect(422);
    expect(response.body).toMatchObject({
      code: 'invalid_agreement_terms',
      problems: [
        'calendar: unknown IANA time zone "Europe/Atlantis"',
        'calendar: working shifts monday 09:00-13:00 and monday 12:00-17:00 overlap',
      ],
    });
  });

  it('measures each ticket by the version in force when it was logged', async () => {
    await admin()
      .post(`/agreements/${agreementId}/versions`, {
        effectiveFrom: '2026-01-01T00:00:00Z',
        terms: acmeTerms,
      })
      .expect(201);
    const faster = {
      ...acmeTerms,
      targets: { ...acmeTerms.targets, P2: { responseMinutes: 30, resolutionMinutes: 240 } },
    };
    await admin()
      .post(`/agreements/${agreementId}/versions`, {
        effectiveFrom: '2026-04-01T00:00:00+02:00',
        terms: faster,
      })
      .expect(201);
    await admin()
      .post(`/agreements/${agreementId}/versions`, {
        effectiveFrom: '2026-02-01T00:00:00Z',
        terms: acmeTerms,
      })
      .expect(422)
      .expect((r) => expect(r.body.code).toBe('version_not_after_latest'));

    t.clock.set('2026-03-31T21:59:59Z');
    const before = (await t.as(TOKENS.agent).post('/tickets', ticketBody(agreementId)).expect(201)).body
      .ticketId;
    t.clock.set('2026-03-31T22:00:00Z');
    const after = (await t.as(TOKENS.agent).post('/tickets', ticketBody(agreementId)).expect(201)).body
      .ticketId;
    const detail = async (id: string) => (await t.as(TOKENS.agent).get(`/tickets/${id}`).expect(200)).body;
    expect((await detail(before)).agreement.version).toBe(1);
    expect((await detail(before)).sla.resolutionTargetMinutes).toBe(480);
    expect((await detail(after)).agreement.version).toBe(2);
    expect((await detail(after)).sla.resolutionTargetMinutes).toBe(240);

    const agreement = await t.as(TOKENS.auditor).get(`/agreements/${agreementId}`).expect(200);
    expect(
      agreement.body.versions.map((v: { version: number; effectiveFrom: string }) => [
        v.version,
        v.effectiveFrom,
      ]),
    ).toEqual([
      [1, '2026-01-01T00:00:00.000Z'],
      [2, '2026-03-31T22:00:00.000Z'],
    ]);
  });

  it('answers 404 for an unknown agreement, and 422 for a ticket naming one', async () => {
    await t.as(TOKENS.admin).get('/agreements/nope').expect(404);
    await t
      .as(TOKENS.admin)
      .post('/agreements/nope/versions', { effectiveFrom: '2026-01-01T00:00:00Z', terms: acmeTerms })
      .expect(404);
    await t
      .as(TOKENS.agent)
      .post('/tickets', ticketBody('nope'))
      .expect(422)
      .expect((r) => expect(r.body.code).toBe('agreement_not_found'));
  });
});
