import { TOKENS, TestApp, publishAcmeAgreement, startTestApp } from '../support/test-app';
import { ticketBody } from '../support/fixtures';

/**
 * A month of ACME tickets through the API, then the list and both reports against a hand computation
 * (the worked example of docs/figures.md). Office hours 09:00-17:00 Amsterdam (UTC+1 in March until the
 * 29th); targets P1 240, P2 480, P3 1440, P4 2400 business minutes; update intervals P1 60, P2 120, P3 480.
 */
describe('reports on a month of tickets', () => {
  let t: TestApp;
  let agreementId: string;
  let lastPosition = '0';
  const ids: Record<string, string> = {};

  async function act(token: string, at: string, path: string, body: object = {}) {
    t.clock.set(at);
    const response = await t.as(token).post(path, body);
    expect([path, response.status]).toEqual([path, path === '/tickets' ? 201 : 200]);
    lastPosition = response.body.globalPosition;
    return response.body;
  }
  const agent = (at: string, ticket: string, action: string, body: object = {}) =>
    act(TOKENS.agent, at, `/tickets/${ids[ticket]}/${action}`, body);
  const customer = (at: string, ticket: string, action: string, body: object = {}) =>
    act(TOKENS.requesterAcme, at, `/tickets/${ids[ticket]}/${action}`, body);
  async function log(name: string, at: string, overrides: object) {
    ids[name] = (await act(TOKENS.agent, at, '/tickets', ticketBody(agreementId, overrides))).ticketId;
  }

  beforeAll(async () => {
    t = await startTestApp('2026-02-01T00:00:00Z');
    agreementId = await publishAcmeAgreement(t);

    // A: P2 incident logged before opening time, an update after 80 minutes, resolved after 120, confirmed.
    await log('A', '2026-03-02T08:59:00+01:00', { priority: 'P2', service: 'email', summary: 'A' });
    await agent('2026-03-02T09:10:00+01:00', 'A', 'acknowledge');
    await agent('2026-03-02T10:20:00+01:00', 'A', 'record-customer-update', {
      channel: 'email',
      message: 'on it',
    });
    await agent('2026-03-02T11:00:00+01:00', 'A', 'resolve', { resolutionCode: 'fixed' });
    await customer('2026-03-03T10:00:00+01:00', 'A', 'confirm');
    // B: P1 incident resolved late (300), rejected, resolved again (360 in all), auto-closed.
    await log('B', '2026-03-02T09:00:00+01:00', { priority: 'P1', service: 'laptops', summary: 'B' });
    await agent('2026-03-02T09:05:00+01:00', 'B', 'acknowledge');
    await agent('2026-03-02T14:00:00+01:00', 'B', 'resolve', { resolutionCode: 'fixed' });
    await customer('2026-03-02T15:00:00+01:00', 'B', 'reject-resolution', { reason: 'still broken' });
    await agent('2026-03-02T16:00:00+01:00', 'B', 'resolve', { resolutionCode: 'fixed' });
    await act(TOKENS.system, '2026-03-05T17:00:00+01:00', `/tickets/${ids.B}/auto-close`);
    // C: P2 incident awaiting the user over the weekend: running 130, paused 80.
    await log('C', '2026-03-06T16:00:00+01:00', { priority: 'P2', service: 'email', summary: 'C' });
    await agent('2026-03-06T16:20:00+01:00', 'C', 'acknowledge');
    await agent('2026-03-06T16:40:00+01:00', 'C', 'request-user-info', { question: 'Which laptop?' });
    await customer('2026-03-09T10:00:00+01:00', 'C', 'record-user-response', { response: 'The Dell' });
    await agent('2026-03-09T11:30:00+01:00', 'C', 'resolve', { resolutionCode: 'fixed' });
    await customer('2026-03-10T10:00:00+01:00', 'C', 'confirm');
    // D: a forgotten password: a user error at a fixed fee.
    await log('D', '2026-03-03T09:00:00+01:00', { priority: 'P3', service: 'email', summary: 'D' });
    await agent('2026-03-03T09:30:00+01:00', 'D', 'acknowledge');
    await agent('2026-03-03T09:40:00+01:00', 'D', 'reclassify-as-user-error', {
      category: 'password_reset',
      reason: 'forgot it',
    });
    await agent('2026-03-03T10:00:00+01:00', 'D', 'resolve', { resolutionCode: 'reset' });
    await customer('2026-03-03T10:30:00+01:00', 'D', 'confirm');
    // E: a data correction, 50 minutes of effort (60 billed), waived.
    await log('E', '2026-03-04T09:00:00+01:00', {
      priority: 'P3',
      service: 'email',
      summary: '=HYPERLINK("x")',
    });
    await agent('2026-03-04T09:10:00+01:00', 'E', 'acknowledge');
    await agent('2026-03-04T09:20:00+01:00', 'E', 'reclassify-as-user-error', {
      category: 'data_correction',
      reason: 'typed wrong data',
    });
    await agent('2026-03-04T10:10:00+01:00', 'E', 'log-effort', { minutes: 50 });
    await agent('2026-03-04T10:15:00+01:00', 'E', 'resolve', { resolutionCode: 'corrected' });
    await customer('2026-03-04T11:00:00+01:00', 'E', 'confirm');
    await agent('2026-03-05T09:00:00+01:00', 'E', 'waive-charge', {
      reason: 'first time',
      approverId: 'mgr-bob',
    });
    // F: a service request, reported apart.
    await log('F', '2026-03-02T10:00:00+01:00', {
      kind: 'service_request',
      priority: 'P4',
      service: 'laptops',
      summary: 'F',
    });
    await agent('2026-03-02T10:30:00+01:00', 'F', 'acknowledge');
    await agent('2026-03-02T12:00:00+01:00', 'F', 'resolve', { resolutionCode: 'delivered' });
    await customer('2026-03-02T13:00:00+01:00', 'F', 'confirm');
    // G: P3 incident closed unresolved after 180 minutes (a known error).
    await log('G', '2026-03-10T09:00:00+01:00', { priority: 'P3', service: 'email', summary: 'G' });
    await agent('2026-03-10T09:15:00+01:00', 'G', 'acknowledge');
    await agent('2026-03-10T12:00:00+01:00', 'G', 'close-unresolved', { problemReference: 'PRB-42' });
    // H: still open at the end of the month, long past its P1 target.
    await log('H', '2026-03-30T09:00:00+02:00', { priority: 'P1', service: 'email', summary: 'H' });
    t.clock.set('2026-03-31T17:00:00+02:00');
  });
  afterAll(() => t.close());

  const reporting = () => t.as(TOKENS.reporting);

  it('reports SLA performance for incidents only, with service requests and user errors apart', async () => {
    const response = await reporting()
      .get(`/reports/sla?customer=acme&month=2026-03&after=${lastPosition}`)
      .expect(200);
    expect(response.body.incidents).toEqual({
      resolved: 4, // A, B, C, G (closed unresolved counts as its final resolution)
      withinTarget: 3,
      breached: 1, // B: 360 > 240
      compliancePercent: 75,
      meanResolutionMinutes: 197.5, // (120 + 360 + 130 + 180) / 4
      p90ResolutionMinutes: 360, // nearest rank: the 4th of 4
      pausedMinutes: 80, // C
      reopened: 1,
      reopenRatePercent: 25,
      firstTimeRightPercent: 75,
      confirmed: 2,
      autoClosed: 1,
      closedUnresolved: 1,
      awaitingConfirmation: 0,
      missedCustomerUpdates: 7, // B: 360 / 60 = 6; C: 130 / 120 = 1; A had its update at 80
    });
    expect(response.body.serviceRequests).toMatchObject({
      resolved: 1,
      withinTarget: 1,
      meanResolutionMinutes: 120,
    });
    expect(response.body.userErrors).toMatchObject({ resolved: 2 });
  });

  it('groups by service and priority', async () => {
    const response = await reporting()
      .get('/reports/sla?customer=acme&month=2026-03&groupBy=service,priority')
      .expect(200);
    const summary = response.body.groups.map(
      (g: {
        service: string;
        priority: string;
        figures: {
          resolved: number;
          meanResolutionMinutes: number;
          p90ResolutionMinutes: number;
          breached: number;
        };
      }) => [
        g.service,
        g.priority,
        g.figures.resolved,
        g.figures.breached,
        g.figures.meanResolutionMinutes,
        g.figures.p90ResolutionMinutes,
      ],
    );
    expect(summary).toEqual([
      ['email', 'P2', 2, 0, 125, 130],
      ['email', 'P3', 1, 0, 180, 180],
      ['laptops', 'P1', 1, 1, 360, 360],
    ]);
  });

  it('lists the chargeable user errors closed in the month, with the waiver, and totals per currency', async () => {
    const response = await reporting().get('/reports/charges?customer=acme&month=2026-03').expect(200);
    expect(
      response.body.lines.map(
        (l: {
          ticketId: string;
          category: string;
          amountMinor: number;
          chargedMinor: number;
          waived: boolean;
          billedMinutes: number;
        }) => [l.ticketId, l.category, l.billedMinutes, l.amountMinor, l.waived, l.chargedMinor],
      ),
    ).toEqual([
      [ids.D, 'password_reset', 0, 2500, false, 2500],
      [ids.E, 'data_correction', 60, 9000, true, 0],
    ]);
    expect(response.body.lines[1].waiver).toEqual({ reason: 'first time', approverId: 'mgr-bob' });
    expect(response.body.totals).toEqual([
      { currency: 'EUR', lines: 2, amountMinor: 11500, waivedMinor: 9000, chargedMinor: 2500 },
    ]);
  });

  it('answers CSV when asked, safe against formula injection', async () => {
    const csv = await reporting()
      .get('/reports/charges?customer=acme&month=2026-03')
      .set('Accept', 'text/csv')
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^ticketId,closedAt,service,summary,category/);
    expect(lines[2]).toContain(`"'=HYPERLINK(""x"")"`);
    expect(lines[3]).toMatch(/^TOTAL EUR,/);
    const sla = await reporting()
      .get('/reports/sla?customer=acme&month=2026-03')
      .set('Accept', 'text/csv')
      .expect(200);
    expect(sla.text.split('\r\n')[1]).toBe(
      'acme,2026-03,incidents,,,4,3,1,75,197.5,360,80,1,25,75,2,1,1,0,7',
    );
  });

  it('removes the charge line when the reclassification is revoked', async () => {
    const revoked = await agent('2026-03-31T17:00:00+02:00', 'D', 'revoke-user-error-reclassification', {
      reason: 'it was a real fault',
    });
    const response = await reporting()
      .get(`/reports/charges?customer=acme&month=2026-03&after=${revoked.globalPosition}`)
      .expect(200);
    expect(response.body.lines.map((l: { ticketId: string }) => l.ticketId)).toEqual([ids.E]);
    const sla = await reporting().get(`/reports/sla?customer=acme&month=2026-03`).expect(200);
    expect(sla.body.incidents.resolved).toBe(5); // D is an incident again
  });

  it('lists tickets with filters, live SLA summaries and a cursor', async () => {
    const breached = await reporting()
      .get(`/tickets?customerId=acme&breached=true&after=${lastPosition}`)
      .expect(200);
    // B breached at resolution; H is open and past its P1 target (Mon 09:00 + 240 business minutes).
    expect(breached.body.items.map((i: { ticketId: string }) => i.ticketId).sort()).toEqual(
      [ids.B, ids.H].sort(),
    );
    const open = breached.body.items.find((i: { ticketId: string }) => i.ticketId === ids.H);
    expect(open.sla).toMatchObject({ clock: 'running', breachedOpen: true, elapsedBusinessMinutes: 960 });

    const incidents = await reporting()
      .get('/tickets?kind=incident&sort=loggedAt&order=asc&limit=2')
      .expect(200);
    expect(incidents.body.items).toHaveLength(2);
    const seen = [...incidents.body.items];
    let cursor = incidents.body.nextCursor;
    while (cursor) {
      const page = await reporting()
        .get(`/tickets?kind=incident&sort=loggedAt&order=asc&limit=2&cursor=${cursor}`)
        .expect(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    expect(seen.map((i: { summary: string }) => i.summary)).toEqual(['A', 'B', 'D', 'C', 'G', 'H']);
    await reporting()
      .get('/tickets?kind=incident&sort=resolvedAt&cursor=' + incidents.body.nextCursor)
      .expect(400);
    await reporting().get('/tickets?breached=maybe').expect(400);
    await reporting().get('/tickets?limit=1000').expect(400);
  });

  it.each([
    ['lastEventAt', 'desc'],
    ['lastEventAt', 'asc'],
    ['resolvedAt', 'desc'],
    ['resolvedAt', 'asc'],
    ['priority', 'desc'],
    ['priority', 'asc'],
  ] as const)('lists every ticket once sorted by %s %s, page by page', async (sort, order) => {
    interface Item {
      ticketId: string;
      priority: string;
      lastEventAt: string;
      resolvedAt: string | null;
    }
    const all = (await reporting().get('/tickets?limit=200').expect(200)).body.items as Item[];
    const seen: Item[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Item[]; nextCursor: string | null } = (
        await reporting()
          .get(`/tickets?sort=${sort}&order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200)
      ).body;
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((i) => i.ticketId).sort()).toEqual(all.map((i) => i.ticketId).sort());
    // The sort's key of each ticket, as a number that grows in the documented order for `asc`: times, and
    // priorities by urgency (P1 the most urgent, first in `desc`); a ticket not resolved sorts lowest.
    const key = (item: Item) =>
      sort === 'priority'
        ? -Number(item.priority.slice(1))
        : item[sort] === null
          ? -Infinity
          : Date.parse(item[sort] as string);
    const keys = seen.map(key);
    const expected = [...keys].sort((a, b) => (order === 'asc' ? a - b : b - a));
    expect(keys).toEqual(expected);
    if (sort === 'priority' && order === 'desc') expect(seen[0].priority).toBe('P1');
  });

  it("keeps requesters to their own customers' tickets and reports", async () => {
    await t.as(TOKENS.requesterGlobex).get('/reports/sla?customer=acme&month=2026-03').expect(403);
    await t.as(TOKENS.requesterGlobex).get('/tickets?customerId=acme').expect(403);
    const listed = await t.as(TOKENS.requesterGlobex).get('/tickets').expect(200);
    expect(listed.body.items).toEqual([]);
    await t.as(TOKENS.requesterAcme).get('/reports/charges?customer=acme&month=2026-03').expect(200);
  });

  it('validates report parameters', async () => {
    await reporting().get('/reports/sla?customer=acme&month=2026-13').expect(400);
    await reporting().get('/reports/sla?month=2026-03').expect(400);
    await reporting().get('/reports/sla?customer=acme&month=2026-03&groupBy=colour').expect(400);
    await reporting().get('/reports/sla?customer=acme&month=2026-03&after=abc').expect(400);
  });

  it('answers 503 with Retry-After when the read models cannot reach the asked position in time', async () => {
    const response = await reporting()
      .get('/reports/sla?customer=acme&month=2026-03&after=999999999')
      .expect(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body.code).toBe('projection_behind');
  }, 10_000);

  it('shows the projection position and lag on /health', async () => {
    const health = await t.as(TOKENS.agent).get('/health').expect(200);
    expect(health.body.projections[0]).toMatchObject({ name: 'service-desk.v1', status: 'live', lag: '0' });
    expect(health.body.projections[0].position).toBe(health.body.eventStore.headPosition);
  });
});
