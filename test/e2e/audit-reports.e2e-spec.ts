import { TOKENS, TestApp, startTestApp } from '../support/test-app';
import { acmeTerms, ticketBody } from '../support/fixtures';

/** Auditors put "as reported at month end" beside "as corrected now", and ask "what if". */
describe('reports as known at an instant, their differences, and what-if', () => {
  let t: TestApp;
  let agreementId: string;
  const ids: Record<string, string> = {};

  async function act(token: string, at: string, path: string, body: object = {}) {
    t.clock.set(at);
    const response = await t.as(token).post(path, body);
    expect([path, response.status]).toEqual([
      path,
      path.endsWith('/tickets') || path.startsWith('/agreements') ? 201 : 200,
    ]);
    return response.body;
  }

  beforeAll(async () => {
    t = await startTestApp('2026-01-01T00:00:00Z');
    agreementId = (
      await act(TOKENS.admin, '2026-01-01T00:00:00Z', '/agreements', {
        customerId: 'acme',
        name: 'ACME',
        services: ['email'],
      })
    ).agreementId;
    await act(TOKENS.admin, '2026-01-01T00:00:00Z', `/agreements/${agreementId}/versions`, {
      effectiveFrom: '2026-01-01T00:00:00Z',
      terms: acmeTerms,
    });
    // Version 2, proposed for later: P2 must be resolved within 100 business minutes.
    const stricter = {
      ...acmeTerms,
      targets: { ...acmeTerms.targets, P2: { responseMinutes: 30, resolutionMinutes: 100 } },
    };
    await act(TOKENS.admin, '2026-01-01T00:00:00Z', `/agreements/${agreementId}/versions`, {
      effectiveFrom: '2027-01-01T00:00:00Z',
      terms: stricter,
    });

    for (const [name, day, category] of [
      ['reset', '03', 'password_reset'],
      ['fix', '04', 'data_correction'],
    ] as const) {
      ids[name] = (
        await act(
          TOKENS.agent,
          `2026-03-${day}T09:00:00+01:00`,
          '/tickets',
          ticketBody(agreementId, { summary: name }),
        )
      ).ticketId;
      await act(TOKENS.agent, `2026-03-${day}T09:10:00+01:00`, `/tickets/${ids[name]}/acknowledge`);
      await act(
        TOKENS.agent,
        `2026-03-${day}T09:20:00+01:00`,
        `/tickets/${ids[name]}/reclassify-as-user-error`,
        { category, reason: 'user error' },
      );
      await act(TOKENS.agent, `2026-03-${day}T10:00:00+01:00`, `/tickets/${ids[name]}/log-effort`, {
        minutes: 20,
      });
      await act(TOKENS.agent, `2026-03-${day}T11:00:00+01:00`, `/tickets/${ids[name]}/resolve`, {
        resolutionCode: 'done',
      });
      await act(TOKENS.requesterAcme, `2026-03-${day}T12:00:00+01:00`, `/tickets/${ids[name]}/confirm`);
    }
    // A P2 incident resolved after 120 business minutes: within today's target (480), not the proposed 100.
    ids.incident = (
      await act(
        TOKENS.agent,
        '2026-03-05T09:00:00+01:00',
        '/tickets',
        ticketBody(agreementId, { summary: 'incident' }),
      )
    ).ticketId;
    await act(TOKENS.agent, '2026-03-05T09:05:00+01:00', `/tickets/${ids.incident}/acknowledge`);
    await act(TOKENS.agent, '2026-03-05T11:00:00+01:00', `/tickets/${ids.incident}/resolve`, {
      resolutionCode: 'fixed',
    });
    // After the month was reported: the customer negotiated a waiver for the data correction.
    await act(TOKENS.agent, '2026-04-03T10:00:00+02:00', `/tickets/${ids.fix}/waive-charge`, {
      reason: 'negotiated',
      approverId: 'mgr-bob',
    });
    t.clock.set('2026-04-10T12:00:00+02:00');
  });
  afterAll(() => t.close());

  const auditor = () => t.as(TOKENS.auditor);
  const monthEnd = encodeURIComponent('2026-03-31T23:59:59+02:00');

  it('shows the charges as reported at month end, and as corrected after the later waiver', async () => {
    const reported = await auditor()
      .get(`/reports/charges?customer=acme&month=2026-03&asOf=${monthEnd}`)
      .expect(200);
    expect(reported.body.totals).toEqual([
      { currency: 'EUR', lines: 2, amountMinor: 2500 + 4500, waivedMinor: 0, chargedMinor: 7000 },
    ]);
    const corrected = await auditor().get('/reports/charges?customer=acme&month=2026-03').expect(200);
    expect(corrected.body.totals).toEqual([
      { currency: 'EUR', lines: 2, amountMinor: 7000, waivedMinor: 4500, chargedMinor: 2500 },
    ]);
  });

  it('names the waiver event as the cause of the difference', async () => {
    const diff = await auditor()
      .get(
        `/reports/charges/diff?customer=acme&month=2026-03&from=${monthEnd}&to=${encodeURIComponent('2026-04-10T12:00:00+02:00')}`,
      )
      .expect(200);
    expect(diff.body.changes).toHaveLength(1);
    expect(diff.body.changes[0]).toMatchObject({
      ticketId: ids.fix,
      change: 'changed',
      before: { chargedMinor: 4500, waived: false },
      after: { chargedMinor: 0, waived: true, waiver: { reason: 'negotiated', approverId: 'mgr-bob' } },
      causedBy: [
        {
          type: 'ChargeWaived',
          streamRevision: 6,
          actor: { id: 'agent-1', role: 'agent' },
          occurredAt: '2026-04-03T08:00:00.000Z',
        },
      ],
    });
  });

  it('answers what the month would have been under the proposed agreement version, writing nothing', async () => {
    const head = (await t.as(TOKENS.agent).get('/health')).body.eventStore.headPosition;
    const today = await auditor().get('/reports/sla?customer=acme&month=2026-03').expect(200);
    const whatIf = await auditor()
      .get('/reports/sla?customer=acme&month=2026-03&whatIfVersion=2')
      .expect(200);
    expect(today.body.incidents).toMatchObject({ resolved: 1, breached: 0 });
    expect(whatIf.body.incidents).toMatchObject({ resolved: 1, breached: 1, compliancePercent: 0 });
    expect(whatIf.body.whatIfVersion).toBe(2);
    expect((await t.as(TOKENS.agent).get('/health')).body.eventStore.headPosition).toBe(head);
    await auditor().get('/reports/sla?customer=acme&month=2026-03&whatIfVersion=9').expect(422);
    await auditor().get('/reports/sla?customer=acme&month=2026-03&asOf=yesterday').expect(400);
    await auditor().get(`/reports/charges/diff?customer=acme&month=2026-03&from=${monthEnd}`).expect(400);
  });
});
