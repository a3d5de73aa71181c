import { SqliteEventStore } from '@app/event-store';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../apps/cli/src/cli-args';
import { exportCommand } from '../../apps/cli/src/commands/export';
import { importCommands } from '../../apps/cli/src/commands/import-commands';
import { rebuild } from '../../apps/cli/src/commands/rebuild';
import { verifyFigures } from '../../apps/cli/src/commands/verify-figures';
import agreementVersion from '../../samples/agreement-version.json';
import { ticketBody } from '../support/fixtures';

/** An auditor's round trip on the command line: import history, export the log, rebuild, verify. */
describe('import, export, rebuild and verify-figures from the command line', () => {
  let dir: string;
  let output: string[];
  const admin = { id: 'admin-1', role: 'admin' };
  const agent = { id: 'agent-1', role: 'agent' };
  const ann = { id: 'req-ann', role: 'requester', customers: ['acme'] };
  const line = (command: string, id: object, data: object, actor: object, occurredAt: string) =>
    JSON.stringify({ command, ...id, data, actor, occurredAt });
  const lines = [
    line(
      'CreateAgreement',
      { agreementId: 'agr-1' },
      { customerId: 'acme', name: 'ACME', services: ['email'] },
      admin,
      '2026-01-01T00:00:00Z',
    ),
    line(
      'PublishAgreementVersion',
      { agreementId: 'agr-1' },
      agreementVersion,
      admin,
      '2026-01-01T00:00:00Z',
    ),
    line('LogTicket', { ticketId: 'INC-1' }, ticketBody('agr-1'), agent, '2026-03-02T09:00:00+01:00'),
    line('AcknowledgeTicket', { ticketId: 'INC-1' }, {}, agent, '2026-03-02T09:10:00+01:00'),
    'this is not json',
    line('ConfirmResolution', { ticketId: 'INC-1' }, {}, ann, '2026-03-02T09:20:00+01:00'),
    line('ResolveTicket', { ticketId: 'INC-1' }, { resolutionCode: 5 }, agent, '2026-03-02T10:00:00+01:00'),
    line(
      'ResolveTicket',
      { ticketId: 'INC-1' },
      { resolutionCode: 'fixed' },
      agent,
      '2026-03-02T11:00:00+01:00',
    ),
    line('ConfirmResolution', { ticketId: 'INC-1' }, { comment: 'thanks' }, ann, '2026-03-02T12:00:00+01:00'),
    line('FlyToTheMoon', { ticketId: 'INC-1' }, {}, agent, '2026-03-02T12:00:00+01:00'),
  ];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'import-export-'));
    writeFileSync(join(dir, 'commands.ndjson'), lines.join('\n') + '\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    output = [];
    jest.spyOn(console, 'log').mockImplementation((text: string) => void output.push(text));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });
  const run = (...argv: string[]) => parseArgs([...argv, '--data-dir', dir]);
  const storedEvents = async () => {
    const store = new SqliteEventStore({ path: join(dir, 'events.db') });
    try {
      return await store.readAll({ maxCount: 1000 });
    } finally {
      await store.close();
    }
  };

  it('imports through the deciders with the original actors and times, reporting each rejected line', async () => {
    await importCommands(
      run('import', join(dir, 'commands.ndjson'), '--rejects', join(dir, 'rejects.ndjson')),
    );
    const text = output.join('\n');
    expect(text).toMatch(/applied\s+6 \(6 events appended\)/);
    expect(text).toMatch(/rejected\s+4/);
    const rejects = readFileSync(join(dir, 'rejects.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [5, 'not_json'],
      [6, 'illegal_transition'],
      [7, 'validation_failed'],
      [10, 'unknown_command'],
    ]);
    expect(rejects[2].reason).toMatch(/resolutionCode/);
    expect(process.exitCode).toBe(1);
    const events = await storedEvents();
    expect(events.map((e) => e.type)).toEqual([
      'AgreementCreated',
      'AgreementVersionPublished',
      'TicketLogged',
      'TicketAcknowledged',
      'TicketResolved',
      'ResolutionConfirmed',
    ]);
    expect(events[5].metadata).toMatchObject({
      actor: { id: 'req-ann', role: 'requester' },
      occurredAt: '2026-03-02T11:00:00.000Z',
    });
  });

  it('appends nothing when the same file is imported again', async () => {
    await importCommands(run('import', join(dir, 'commands.ndjson')));
    expect(output.join('\n')).toMatch(/applied\s+0 \(0 events appended\)\nalready imported 6/);
    expect(await storedEvents()).toHaveLength(6);
  });

  it('exports the event log, rebuilds from nothing, and finds zero drift', async () => {
    await exportCommand(run('export', 'events', '--out', join(dir, 'events.ndjson')));
    const exported = readFileSync(join(dir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      exported.map((e: { globalPosition: string; hash: string }) => [e.globalPosition, e.hash.length]),
    ).toEqual(['1', '2', '3', '4', '5', '6'].map((p) => [p, 64]));
    await rebuild(run('rebuild'));
    await verifyFigures(run('verify-figures'));
    expect(output.join('\n')).toMatch(/ok: \d+ documents equal their recomputation from the events/);
    expect(process.exitCode).toBeUndefined();
    await exportCommand(
      run('export', 'charges', '--customer', 'acme', '--month', '2026-03', '--out', join(dir, 'charges.csv')),
    );
    expect(readFileSync(join(dir, 'charges.csv'), 'utf8')).toMatch(/^ticketId,closedAt,/);
  });
});
