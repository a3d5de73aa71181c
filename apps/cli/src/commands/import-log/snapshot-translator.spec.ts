import { ExistingTicket, TicketState, initialTicketState } from '@app/domain';
import { join } from 'node:path';
import { CsvRecord } from './csv';
import { loadMapping } from './log-mapping';
import { orderSnapshots, parseTimestamp, translateRow } from './snapshot-translator';

const mapping = loadMapping(
  join(__dirname, '../../../../../imports/servicenow-incident-event-log.mapping.json'),
);

function row(line: number, values: Record<string, string>): CsvRecord {
  return {
    line,
    values: {
      number: 'INC0000045',
      incident_state: 'New',
      sys_mod_count: '0',
      sys_updated_at: '29/2/2016 01:23',
      sys_updated_by: 'Updated by 21',
      opened_at: '29/2/2016 01:16',
      opened_by: 'Opened by  8',
      priority: '3 - Moderate',
      assigned_to: '?',
      category: 'Category 55',
      subcategory: 'Subcategory 170',
      u_symptom: 'Symptom 72',
      contact_type: 'Phone',
      caller_id: 'Caller 2403',
      closed_code: 'code 5',
      problem_id: '?',
      made_sla: 'true',
      ...values,
    },
  };
}

const ticket = (status: ExistingTicket['status'], extra: Partial<ExistingTicket> = {}): TicketState =>
  ({ exists: true, status, priority: 'P3', assigneeId: null, ...extra }) as ExistingTicket;

describe('parseTimestamp', () => {
  it('reads d/m/yyyy HH:MM wall time in the zone (Sao Paulo was UTC-3 in March 2016)', () => {
    expect(
      new Date(parseTimestamp('5/3/2016 12:00', 'D/M/YYYY HH:mm', 'America/Sao_Paulo')!).toISOString(),
    ).toBe('2016-03-05T15:00:00.000Z');
    // Summer time (UTC-2) until 21 February 2016.
    expect(
      new Date(parseTimestamp('20/2/2016 12:00', 'D/M/YYYY HH:mm', 'America/Sao_Paulo')!).toISOString(),
    ).toBe('2016-02-20T14:00:00.000Z');
  });

  it('refuses what is not a date of that format', () => {
    for (const text of ['31/2/2016 10:00', '2016-03-05 12:00', '5/13/2016 10:00', '5/3/2016 24:10', '?'])
      expect(parseTimestamp(text, 'D/M/YYYY HH:mm', 'UTC')).toBeNull();
  });
});

describe('orderSnapshots', () => {
  it('orders by update time, then by modification count', () => {
    const ordered = orderSnapshots(
      [
        row(4, { sys_mod_count: '3', sys_updated_at: '29/2/2016 11:29' }),
        row(2, { sys_mod_count: '0', sys_updated_at: '29/2/2016 01:23' }),
        row(3, { sys_mod_count: '2', sys_updated_at: '29/2/2016 01:23' }),
      ],
      mapping,
    );
    expect(ordered.map((r) => r.line)).toEqual([2, 3, 4]);
  });
});

describe('translateRow', () => {
  const commandsOf = (state: TicketState, values: Record<string, string>) =>
    translateRow('INC0000045', row(7, values), 3, state, mapping).steps.map((step) => step.command.type);

  it('logs a new ticket at its opening time by its opener, with the mapped values', () => {
    const { steps } = translateRow('INC0000045', row(2, {}), 0, initialTicketState, mapping);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({
      command: {
        type: 'LogTicket',
        data: {
          ticketId: 'INC0000045',
          kind: 'incident',
          customerId: 'servicenow-uci498',
          service: 'category-55',
          priority: 'P3',
          channel: 'phone',
          requester: { id: 'caller-2403', name: 'Caller 2403' },
          summary: 'INC0000045: Category 55 / Subcategory 170 / Symptom 72',
        },
      },
      principal: { id: 'Opened by 8', role: 'agent' },
      occurredAt: new Date('2016-02-29T04:16:00Z'),
      key: 'INC0000045#0.0',
    });
  });

  it('takes a ticket first seen resolved through acknowledgement and resolution', () => {
    expect(commandsOf(initialTicketState, { incident_state: 'Resolved' })).toEqual([
      'LogTicket',
      'AcknowledgeTicket',
      'ResolveTicket',
    ]);
  });

  it('maps every status change onto the lifecycle', () => {
    expect(commandsOf(ticket('in_progress'), { incident_state: 'Awaiting User Info' })).toEqual([
      'RequestUserInfo',
    ]);
    expect(commandsOf(ticket('awaiting_user'), { incident_state: 'Resolved' })).toEqual([
      'RecordUserResponse',
      'ResolveTicket',
    ]);
    expect(commandsOf(ticket('resolved'), { incident_state: 'Active' })).toEqual(['RejectResolution']);
    expect(commandsOf(ticket('logged'), { incident_state: 'Closed' })).toEqual(['CloseUnresolved']);
    // Waiting on a vendor or a problem is the provider's time: the ticket stays in progress.
    expect(commandsOf(ticket('in_progress'), { incident_state: 'Awaiting Vendor' })).toEqual([]);
    expect(commandsOf(ticket('in_progress'), { incident_state: 'Awaiting Evidence' })).toEqual([
      'RequestUserInfo',
    ]);
  });

  it("closes a resolved ticket as auto-closed when the tool's job closes it, as confirmed otherwise", () => {
    const byJob = translateRow(
      'INC1',
      row(9, { incident_state: 'Closed', sys_updated_by: 'Updated by 908' }),
      4,
      ticket('resolved'),
      mapping,
    );
    expect(byJob.steps.map((s) => [s.command.type, s.principal.role])).toEqual([
      ['AutoCloseTicket', 'system'],
    ]);
    expect(
      commandsOf(ticket('resolved'), { incident_state: 'Closed', sys_updated_by: 'Updated by 16' }),
    ).toEqual(['ConfirmResolution']);
  });

  it('records priority and assignee changes while open, and reports them when the lifecycle has no place', () => {
    expect(
      commandsOf(ticket('in_progress'), { priority: '1 - Critical', assigned_to: 'Resolver 17' }),
    ).toEqual(['ChangePriority', 'AssignTicket']);
    const afterResolution = translateRow(
      'INC1',
      row(9, { incident_state: 'Resolved', priority: '1 - Critical' }),
      4,
      ticket('resolved'),
      mapping,
    );
    expect(afterResolution.steps).toEqual([]);
    expect(afterResolution.notRepresented).toEqual(['priority changed to P1 while resolved']);
  });

  it('rejects a row whose state or timestamp the mapping cannot read, naming why', () => {
    expect(
      translateRow('INC1', row(9, { incident_state: '-100' }), 1, ticket('in_progress'), mapping).rejection,
    ).toEqual({
      code: 'state_not_mapped',
      reason: 'state "-100" has no meaning in the mapping',
    });
    expect(
      translateRow('INC1', row(9, { sys_updated_at: '2016-03-01' }), 1, ticket('in_progress'), mapping)
        .rejection?.code,
    ).toBe('invalid_timestamp');
  });
});
