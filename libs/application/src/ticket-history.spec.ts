import { Principal } from '@app/domain';
import { agreementHistory, logTicketCommand } from '@app/domain/testing/fixtures';
import { SqliteEventStore } from '@app/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgreementRepository } from './agreements';
import { Clock } from './clock';
import { agreementStreamId } from './event-mapping';
import { HistoricalCommand, HistoryGroup, TicketCommands } from './tickets';

const clock: Clock = { now: () => new Date('2026-06-01T00:00:00Z') };
const agent: Principal = { id: 'agent-7', role: 'agent', customers: ['*'] };
const step = (command: HistoricalCommand['command'], at: string, key: string): HistoricalCommand => ({
  command,
  principal: agent,
  occurredAt: new Date(at),
  key,
});

describe('TicketCommands.executeHistory (imports)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let tickets: TicketCommands;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'history-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
    await store.appendToStream(
      agreementStreamId('agr-acme'),
      agreementHistory.map((event) => ({
        type: event.type,
        schemaVersion: 1,
        data: event.data,
        metadata: {
          actor: { id: 'admin-1', role: 'admin' },
          correlationId: 'setup',
          causationId: 'setup',
          commandId: `setup-${event.type}`,
          occurredAt: '2026-01-01T00:00:00.000Z',
        },
      })),
    );
    tickets = new TicketCommands(store, new AgreementRepository(store), clock);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const history: HistoryGroup[] = [
    () => [step(logTicketCommand(), '2026-03-02T09:00:00Z', 'row0.0')],
    // A refused command is reported and the next one is decided on the state without it.
    () => [
      step(
        { type: 'ResolveTicket', data: { resolutionCode: 'fixed', notes: '' } },
        '2026-03-02T09:05:00Z',
        'row1.0',
      ),
      step({ type: 'AcknowledgeTicket', data: { assigneeId: null } }, '2026-03-02T09:06:00Z', 'row1.1'),
    ],
    (state) => {
      // Each group sees the state the groups before it left.
      expect(state.exists && state.status).toBe('in_progress');
      return [
        step(
          { type: 'ResolveTicket', data: { resolutionCode: 'fixed', notes: '' } },
          '2026-03-02T10:00:00Z',
          'row2.0',
        ),
      ];
    },
  ];

  it('decides each command on the state before it, appends the accepted ones with their actor and time', async () => {
    const result = await tickets.executeHistory('t-1', history);
    expect(result.outcomes.map((group) => group.map((outcome) => outcome.kind))).toEqual([
      ['applied'],
      ['refused', 'applied'],
      ['applied'],
    ]);
    expect(result.outcomes[1][0]).toMatchObject({
      code: 'illegal_transition',
      reason: 'cannot resolve: the ticket is logged',
    });
    const stored = await store.readStream('ticket-t-1');
    expect(stored.map((event) => [event.type, event.metadata.actor.id, event.metadata.occurredAt])).toEqual([
      ['TicketLogged', 'agent-7', '2026-03-02T09:00:00.000Z'],
      ['TicketAcknowledged', 'agent-7', '2026-03-02T09:06:00.000Z'],
      ['TicketResolved', 'agent-7', '2026-03-02T10:00:00.000Z'],
    ]);
  });

  it('appends nothing the second time, and replays the recorded events so that later groups see the same state', async () => {
    await tickets.executeHistory('t-1', history);
    const again = await tickets.executeHistory('t-1', history);
    expect(again.eventsAppended).toBe(0);
    expect(again.outcomes.map((group) => group.map((outcome) => outcome.kind))).toEqual([
      ['already_recorded'],
      ['refused', 'already_recorded'],
      ['already_recorded'],
    ]);
    expect(await store.readStream('ticket-t-1')).toHaveLength(3);
  });

  it('does not append imported commands after events they did not see', async () => {
    await tickets.executeHistory('t-1', history.slice(0, 2));
    await tickets.execute(
      't-1',
      { type: 'RecordCustomerUpdate', data: { channel: 'email', message: 'on it' } },
      { principal: agent },
    );
    const result = await tickets.executeHistory('t-1', history);
    expect(result.eventsAppended).toBe(0);
    expect(result.outcomes[2][0]).toMatchObject({ kind: 'refused', code: 'history_diverged' });
    expect((await store.readStream('ticket-t-1')).map((event) => event.type)).toEqual([
      'TicketLogged',
      'TicketAcknowledged',
      'CustomerUpdateRecorded',
    ]);
  });
});
