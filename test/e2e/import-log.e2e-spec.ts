import { SqliteEventStore } from '@app/event-store';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../apps/cli/src/cli-args';
import { importLog } from '../../apps/cli/src/commands/import-log/import-log';
import { MappingError } from '../../apps/cli/src/commands/import-log/log-mapping';
import expected from '../fixtures/servicenow/incident-log-excerpt.expected.json';
import { TOKENS, startTestApp } from '../support/test-app';

const root = join(__dirname, '../..');
const excerpt = join(root, 'test/fixtures/servicenow/incident-log-excerpt.csv.gz');
const mapping = join(root, 'imports/servicenow-incident-event-log.mapping.json');

/**
 * A reporting team moving from ServiceNow: an excerpt of the public incident log (291 incidents chosen to
 * cover every state and transition) imported through the deciders. The expected counts come from an
 * independent Python replay of the documented mapping (test/fixtures/servicenow/make-excerpt.py).
 */
describe('import-log: a ServiceNow incident log through the deciders', () => {
  let dir: string;
  let first: Awaited<ReturnType<typeof importLog>>;
  const run = (...extra: string[]) =>
    importLog(
      parseArgs(['import-log', excerpt, '--mapping', mapping, '--data-dir', dir, '--quiet', ...extra]),
    );

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'import-log-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function eventCounts(): Promise<Record<string, number>> {
    const store = new SqliteEventStore({ path: join(dir, 'events.db') });
    try {
      const counts: Record<string, number> = {};
      for (const event of await store.readAll({ after: 0n, maxCount: 1_000_000 }))
        if (event.streamId.startsWith('ticket-')) counts[event.type] = (counts[event.type] ?? 0) + 1;
      return counts;
    } finally {
      await store.close();
    }
  }

  it('accounts for every row: applied, merged or rejected with its reason', async () => {
    const summary = (first = await run());
    expect(summary.rows).toBe(expected.rows);
    expect(summary.incidents).toBe(expected.incidents);
    expect(summary.applied + summary.merged + summary.rejected).toBe(expected.rows);
    expect(summary.rejectedByReason).toEqual(expected.rejectedRowsByReason);
    const rejects = readFileSync(join(dir, 'import-log-rejects.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects).toHaveLength(summary.rejected);
    expect(rejects).toContainEqual(
      expect.objectContaining({
        state: '-100',
        code: 'state_not_mapped',
        incident: expect.stringMatching(/^INC/),
      }),
    );
    expect(
      rejects.filter((r) => r.code === 'illegal_transition').every((r) => /ticket is closed/.test(r.reason)),
    ).toBe(true);
  });

  it('appends the events an independent replay of the mapping predicts, type by type', async () => {
    const counts = await eventCounts();
    for (const [type, count] of Object.entries(expected.eventsByType))
      expect([type, counts[type]]).toEqual([type, count]);
  });

  it('appends nothing when the same file is imported again', async () => {
    const before = await eventCounts();
    const summary = await run();
    expect(summary.eventsAppended).toBe(0);
    expect(summary.applied).toBe(0);
    expect(summary.alreadyImported).toBe(first.applied);
    expect(summary.rejectedByReason).toEqual(first.rejectedByReason);
    expect(await eventCounts()).toEqual(before);
  });

  it('leaves SLA figures the API reports: each resolved incident counted once, in the month of its resolution', async () => {
    const app = await startTestApp('2017-03-01T00:00:00Z', { dataDir: dir });
    try {
      const months = [
        '2016-02',
        '2016-03',
        '2016-04',
        '2016-05',
        '2016-06',
        '2016-07',
        '2016-08',
        '2016-09',
        '2016-10',
        '2016-11',
        '2016-12',
        '2017-01',
        '2017-02',
      ];
      let resolved = 0;
      for (const month of months) {
        const report = await app
          .as(TOKENS.reporting)
          .get(`/reports/sla?customer=servicenow-uci498&month=${month}`)
          .expect(200);
        const { incidents } = report.body;
        expect(incidents.withinTarget + incidents.breached).toBe(incidents.resolved);
        resolved += incidents.resolved;
      }
      // Every incident in the excerpt reaches a final resolution (or closure) except those our lifecycle left open.
      const open = await app
        .as(TOKENS.reporting)
        .get('/tickets?customerId=servicenow-uci498&status=in_progress&limit=200')
        .expect(200);
      const logged = await app
        .as(TOKENS.reporting)
        .get('/tickets?customerId=servicenow-uci498&status=logged&limit=200')
        .expect(200);
      expect(resolved + open.body.items.length + logged.body.items.length).toBe(expected.incidents);
      expect(resolved).toBeGreaterThan(280);
    } finally {
      await app.app.close();
    }
  });

  it('refuses an unusable mapping, naming every problem, before touching the store', async () => {
    const bad = join(dir, 'bad-mapping.json');
    const good = JSON.parse(readFileSync(mapping, 'utf8'));
    writeFileSync(
      bad,
      JSON.stringify({ ...good, timeZone: 'Mars/Olympus', states: { New: 'open' }, columns: {} }),
    );
    const attempt = importLog(
      parseArgs(['import-log', excerpt, '--mapping', bad, '--data-dir', join(dir, 'other'), '--quiet']),
    );
    await expect(attempt).rejects.toThrow(MappingError);
    await expect(attempt).rejects.toThrow(
      /timeZone "Mars\/Olympus"[\s\S]*columns.ticketId[\s\S]*states\["New"\] is "open"/,
    );
  });
});
