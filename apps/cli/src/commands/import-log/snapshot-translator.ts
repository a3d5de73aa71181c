import { HistoricalCommand } from '@app/application';
import {
  Channel,
  LogTicket,
  Priority,
  Principal,
  TicketCommand,
  TicketState,
  TicketStatus,
  epochDayOf,
  instantOfWallTimeOnDay,
} from '@app/domain';
import { ID_PATTERN } from '../../../../api/src/common/dto-rules';
import { CsvRecord } from './csv';
import { LogMapping } from './log-mapping';

/** A row that produced no command: why. */
export interface RowRejection {
  readonly code: string;
  readonly reason: string;
}

/** What one snapshot row becomes: the commands that take the ticket from the previous snapshot to it. */
export interface TranslatedRow {
  readonly line: number;
  readonly state: string;
  readonly steps: readonly HistoricalCommand[];
  /** Set when the row cannot be read (unknown state, bad timestamp): it produces no command. */
  readonly rejection?: RowRejection;
  /** Changes the lifecycle has no place for (an assignment after resolution): reported, not applied. */
  readonly notRepresented: readonly string[];
  /** Parsed time of the update, for ordering and reporting. */
  readonly updatedAtMs: number | null;
}

const OPEN: readonly TicketStatus[] = ['logged', 'in_progress', 'awaiting_user'];

/** Parses a wall-clock timestamp written in `format`, in `timeZone`; null when it does not match. */
export function parseTimestamp(value: string, format: string, timeZone: string): number | null {
  const parts: Record<string, number> = {};
  let pattern = '^';
  const tokens: string[] = [];
  for (const token of format.match(/YYYY|DD|D|MM|M|HH|H|mm|ss|[^A-Za-z]+|[A-Za-z]/g) ?? []) {
    if (['YYYY', 'DD', 'D', 'MM', 'M', 'HH', 'H', 'mm', 'ss'].includes(token)) {
      tokens.push(token);
      pattern += token === 'YYYY' ? '(\\d{4})' : token.length === 2 ? '(\\d{2})' : '(\\d{1,2})';
    } else pattern += token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const match = new RegExp(pattern + '$').exec(value.trim());
  if (!match) return null;
  tokens.forEach((token, index) => (parts[token[0]] = Number(match[index + 1])));
  const { Y: year, M: month, D: day, H: hour = 0, m: minute = 0, s: second = 0 } = parts;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCDate() !== day) return null;
  const epochDay = epochDayOf({ year, month, day });
  return instantOfWallTimeOnDay(timeZone, epochDay, hour * 60 + minute) + second * 1000;
}

/** A stable, readable id of a person or group named in the export ("Opened by  8" -> "opened-by-8"). */
const slug = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** The service a row belongs to, as an id (the export's "Category 55" -> "category-55"). */
export function serviceOf(record: CsvRecord, mapping: LogMapping): string {
  const raw = (record.values[mapping.columns.service] ?? '').trim();
  return slug(raw === '' || raw === mapping.missingValue ? mapping.defaults.service : raw) || 'uncategorised';
}

/** The rows of one incident in the order they happened: update time, then modification count. */
export function orderSnapshots(records: readonly CsvRecord[], mapping: LogMapping): CsvRecord[] {
  const { updatedAt, sequence } = mapping.columns;
  const keyed = records.map((record) => ({
    record,
    at: parseTimestamp(record.values[updatedAt], mapping.timestampFormat, mapping.timeZone) ?? Infinity,
    sequence: Number(record.values[sequence]),
  }));
  keyed.sort((a, b) => a.at - b.at || a.sequence - b.sequence || a.record.line - b.record.line);
  return keyed.map(({ record }) => record);
}

/**
 * The commands that take a ticket from its current state to what one snapshot row of the export shows:
 * the first row of an incident logs the ticket (at its opening time, by whoever opened it), and every row
 * then contributes what changed (status, priority, assignee), dated at its update time and issued by its
 * updater. This only says what happened according to the export; whether it is allowed is for the ticket's
 * decider to say when the commands are executed.
 */
export function translateRow(
  ticketId: string,
  record: CsvRecord,
  index: number,
  ticket: TicketState,
  mapping: LogMapping,
): TranslatedRow {
  const { columns, defaults, missingValue } = mapping;
  const value = (column: string) => {
    const raw = (record.values[column] ?? '').trim().replace(/\s+/g, ' ');
    return raw === missingValue || raw === '' ? null : raw;
  };
  const time = (column: string) => {
    const text = value(column);
    return text === null ? null : parseTimestamp(text, mapping.timestampFormat, mapping.timeZone);
  };
  const sourceState = record.values[columns.state];
  const rejected = (code: string, reason: string, updatedAtMs: number | null = null): TranslatedRow => ({
    line: record.line,
    state: sourceState,
    steps: [],
    rejection: { code, reason },
    notRepresented: [],
    updatedAtMs,
  });
  if (!ID_PATTERN.test(ticketId)) return rejected('invalid_ticket_id', `"${ticketId}" cannot be a ticket id`);
  const updatedAtMs = time(columns.updatedAt);
  if (updatedAtMs === null)
    return rejected(
      'invalid_timestamp',
      `${columns.updatedAt} "${record.values[columns.updatedAt]}" is not ${mapping.timestampFormat}`,
    );
  const status = mapping.states[sourceState];
  if (status === undefined)
    return rejected('state_not_mapped', `state "${sourceState}" has no meaning in the mapping`, updatedAtMs);
  const priority = mapping.priorities[value(columns.priority) ?? ''];
  if (priority === undefined)
    return rejected(
      'priority_not_mapped',
      `priority "${record.values[columns.priority]}" has no meaning in the mapping`,
      updatedAtMs,
    );
  const actorName = value(columns.updatedBy) ?? 'unknown';
  const autoClose = mapping.autoCloseActors.includes(actorName);
  const actor: Principal = { id: actorName, role: mapping.actorRole, customers: ['*'] };
  // The tool's own job account closes as the system; whatever else it records, it records for the agents.
  const system: Principal = { id: actorName, role: 'system', customers: ['*'] };
  const occurredAt = new Date(updatedAtMs);
  const assignee = value(columns.assignee);
  const steps: HistoricalCommand[] = [];
  const notRepresented: string[] = [];
  const add = (command: TicketCommand, by: Principal = actor, at: Date = occurredAt) =>
    steps.push({ command, principal: by, occurredAt: at, key: `${ticketId}#${index}.${steps.length}` });

  let current: TicketStatus;
  let currentPriority: Priority;
  let currentAssignee: string | null;
  if (ticket.exists) {
    current = ticket.status;
    currentPriority = ticket.priority;
    currentAssignee = ticket.assigneeId;
  } else {
    const openedAtMs = time(columns.openedAt);
    if (openedAtMs === null)
      return rejected(
        'invalid_timestamp',
        `${columns.openedAt} "${record.values[columns.openedAt]}" is not ${mapping.timestampFormat}`,
        updatedAtMs,
      );
    const openedBy = value(columns.openedBy) ?? 'unknown';
    const requester = value(columns.requester) ?? defaults.requester;
    const requesterId = slug(requester) || 'unknown';
    const summary = mapping.summary.replace(/\{([^}]+)\}/g, (_, column: string) => value(column) ?? '-');
    const log: LogTicket = {
      type: 'LogTicket',
      data: {
        ticketId,
        kind: 'incident',
        customerId: mapping.customer.customerId,
        service: serviceOf(record, mapping),
        priority,
        channel: mapping.channels[value(columns.channel) ?? ''] ?? (defaults.channel as Channel),
        requester: {
          id: requesterId,
          name: requester,
          email: `${requesterId}@requesters.invalid`,
          // The export names no manager: follow-ups go to a placeholder the service desk must replace.
          manager: {
            id: 'unknown-manager',
            name: 'Manager not in the export',
            email: 'unknown-manager@requesters.invalid',
          },
        },
        summary: summary.slice(0, 200),
        description: `Imported from ${mapping.source}`,
        agreementId: mapping.customer.agreementId,
      },
    };
    add(log, { id: openedBy, role: mapping.actorRole, customers: ['*'] }, new Date(openedAtMs));
    current = 'logged';
    currentPriority = priority;
    currentAssignee = null;
  }

  // "New" after the ticket was taken up means nothing more in our lifecycle than "in progress".
  const target: TicketStatus =
    status === 'logged' && current !== 'logged'
      ? current === 'resolved' || current === 'closed'
        ? 'in_progress'
        : current
      : status;
  // Leaving "logged" is the acknowledgement (by the updater, to whoever is assigned then).
  if (current === 'logged' && target !== 'logged' && target !== 'closed') {
    add({ type: 'AcknowledgeTicket', data: { assigneeId: assignee } });
    current = 'in_progress';
    currentAssignee = assignee;
  }
  if (priority !== currentPriority) {
    if (OPEN.includes(current)) {
      add({
        type: 'ChangePriority',
        data: { priority, reason: `priority set to ${record.values[columns.priority]} in ${mapping.source}` },
      });
    } else notRepresented.push(`priority changed to ${priority} while ${current.replace('_', ' ')}`);
  }
  if (assignee !== null && assignee !== currentAssignee) {
    if (OPEN.includes(current)) add({ type: 'AssignTicket', data: { assigneeId: assignee } });
    else notRepresented.push(`assigned to ${assignee} while ${current.replace('_', ' ')}`);
  }
  if (current !== target && (current === 'closed' || (current === 'resolved' && target !== 'closed'))) {
    // A reopening; out of "closed" our lifecycle has no way, and the decider will say so.
    add({ type: 'RejectResolution', data: { reason: `reopened (${sourceState}) in ${mapping.source}` } });
    current = 'in_progress';
  }
  if (current !== target) {
    if (target === 'in_progress' || target === 'logged') {
      if (current === 'awaiting_user')
        add({ type: 'RecordUserResponse', data: { response: `the user answered (${sourceState})` } });
    } else if (target === 'awaiting_user') {
      add({ type: 'RequestUserInfo', data: { question: `${sourceState} in ${mapping.source}` } });
    } else if (target === 'resolved') {
      if (current === 'awaiting_user')
        add({ type: 'RecordUserResponse', data: { response: 'the user answered (resolved)' } });
      add({
        type: 'ResolveTicket',
        data: { resolutionCode: value(columns.resolutionCode) ?? defaults.resolutionCode, notes: '' },
      });
    } else if (current === 'resolved') {
      if (autoClose) add({ type: 'AutoCloseTicket', data: {} }, system);
      else add({ type: 'ConfirmResolution', data: { comment: `closed by ${actorName}` } });
    } else {
      add({
        type: 'CloseUnresolved',
        data: {
          problemReference: value(columns.problemReference) ?? defaults.problemReference,
          reason: `closed while ${current.replace('_', ' ')} in ${mapping.source}`,
        },
      });
    }
  }
  return { line: record.line, state: sourceState, steps, notRepresented, updatedAtMs };
}
