import {
  CHANNELS,
  Channel,
  PRIORITIES,
  Priority,
  TICKET_STATUSES,
  TicketStatus,
  isValidTimeZone,
} from '@app/domain';
import { readFileSync } from 'node:fs';

/** What a source state means in our lifecycle; a state value not listed is rejected row by row. */
export type MappedStatus = TicketStatus;

/**
 * How to read an ITSM export of incident snapshots (one row per update of an incident): which column holds
 * what, how its timestamps are written, and what its values mean here. Kept in JSON so that another tool's
 * export is imported by writing a mapping, not code.
 */
export interface LogMapping {
  readonly source: string;
  /** The value that stands for "no value" in the export (ServiceNow's is "?"). */
  readonly missingValue: string;
  /** Tokens: D/DD day, M/MM month, YYYY year, H/HH hour, mm minute, ss second; anything else is literal. */
  readonly timestampFormat: string;
  /** IANA zone of the export's wall-clock timestamps (and of the agreement's calendar). */
  readonly timeZone: string;
  readonly columns: {
    readonly ticketId: string;
    readonly state: string;
    /** Orders two snapshots with the same update time (ServiceNow: sys_mod_count). */
    readonly sequence: string;
    readonly updatedAt: string;
    readonly updatedBy: string;
    readonly openedAt: string;
    readonly openedBy: string;
    readonly priority: string;
    readonly assignee: string;
    readonly service: string;
    readonly channel: string;
    readonly requester: string;
    readonly resolutionCode: string;
    readonly problemReference: string;
    /** The source's own verdict on the SLA, compared with ours after the import (optional). */
    readonly madeSla?: string;
  };
  /** Used when a column holds the missing value. */
  readonly defaults: {
    readonly service: string;
    readonly channel: Channel;
    readonly requester: string;
    readonly resolutionCode: string;
    readonly problemReference: string;
  };
  /** "{column}" placeholders are replaced by the row's values. */
  readonly summary: string;
  readonly states: Readonly<Record<string, MappedStatus>>;
  readonly priorities: Readonly<Record<string, Priority>>;
  readonly channels: Readonly<Record<string, Channel>>;
  /** Actors whose closing of a resolved ticket is the tool's auto-close job, not the customer's confirmation. */
  readonly autoCloseActors: readonly string[];
  /** The role of the people in the export (agents) when they act; auto-close actors act as `system`. */
  readonly actorRole: 'agent' | 'admin';
  readonly madeSlaTrue?: string;
  readonly customer: { readonly customerId: string; readonly name: string; readonly agreementId: string };
  /** The agreement version the imported tickets are measured by; its services are the values seen in the file. */
  readonly agreement: { readonly effectiveFrom: string; readonly terms: Record<string, unknown> };
}

export class MappingError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`mapping ${file} is not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'MappingError';
  }
}

const COLUMN_KEYS = [
  'ticketId',
  'state',
  'sequence',
  'updatedAt',
  'updatedBy',
  'openedAt',
  'openedBy',
  'priority',
  'assignee',
  'service',
  'channel',
  'requester',
  'resolutionCode',
  'problemReference',
] as const;
const STATUSES: readonly string[] = TICKET_STATUSES;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads and checks a mapping, naming every problem at once; `timeZone` overrides the mapping's zone. */
export function loadMapping(file: string, overrides: { timeZone?: string } = {}): LogMapping {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MappingError(file, [(error as Error).message]);
  }
  const problems: string[] = [];
  if (!isObject(raw)) throw new MappingError(file, ['the mapping must be a JSON object']);
  const m: Record<string, unknown> = {
    ...raw,
    ...(overrides.timeZone ? { timeZone: overrides.timeZone } : {}),
  };
  const text = (key: string, value: unknown) => {
    if (typeof value !== 'string' || value === '') problems.push(`${key} must be a non-empty string`);
  };
  text('source', m.source);
  if (typeof m.missingValue !== 'string') problems.push('missingValue must be a string');
  text('timestampFormat', m.timestampFormat);
  if (typeof m.timestampFormat === 'string' && !/YYYY/.test(m.timestampFormat))
    problems.push('timestampFormat must contain YYYY');
  if (typeof m.timeZone !== 'string' || !isValidTimeZone(m.timeZone))
    problems.push(`timeZone ${JSON.stringify(m.timeZone)} is not an IANA time zone`);
  if (!isObject(m.columns)) problems.push('columns must be an object');
  else for (const key of COLUMN_KEYS) text(`columns.${key}`, m.columns[key]);
  if (!isObject(m.defaults)) problems.push('defaults must be an object');
  else {
    for (const key of ['service', 'requester', 'resolutionCode', 'problemReference'])
      text(`defaults.${key}`, m.defaults[key]);
    if (!CHANNELS.includes(m.defaults.channel as Channel))
      problems.push(`defaults.channel must be one of ${CHANNELS.join(', ')}`);
  }
  text('summary', m.summary);
  const table = (key: string, value: unknown, allowed: readonly string[]) => {
    if (!isObject(value) || Object.keys(value).length === 0) {
      problems.push(`${key} must be an object of source value -> ${allowed.join('|')}`);
      return;
    }
    for (const [source, target] of Object.entries(value)) {
      if (!allowed.includes(target as string))
        problems.push(
          `${key}["${source}"] is ${JSON.stringify(target)}; expected one of ${allowed.join(', ')}`,
        );
    }
  };
  table('states', m.states, STATUSES);
  table('priorities', m.priorities, PRIORITIES);
  table('channels', m.channels, CHANNELS);
  if (!Array.isArray(m.autoCloseActors) || m.autoCloseActors.some((actor) => typeof actor !== 'string'))
    problems.push('autoCloseActors must be an array of actor names');
  if (m.actorRole !== 'agent' && m.actorRole !== 'admin') problems.push('actorRole must be agent or admin');
  if (!isObject(m.customer)) problems.push('customer must be {customerId, name, agreementId}');
  else for (const key of ['customerId', 'name', 'agreementId']) text(`customer.${key}`, m.customer[key]);
  if (!isObject(m.agreement) || !isObject(m.agreement.terms))
    problems.push('agreement must be {effectiveFrom, terms}');
  else text('agreement.effectiveFrom', m.agreement.effectiveFrom);
  if (problems.length > 0) throw new MappingError(file, problems);
  const mapping = m as unknown as LogMapping;
  // The agreement's calendar runs in the zone the timestamps are read in.
  const terms = mapping.agreement.terms;
  const calendar = isObject(terms.calendar) ? terms.calendar : {};
  return {
    ...mapping,
    agreement: {
      ...mapping.agreement,
      terms: { ...terms, calendar: { ...calendar, timeZone: mapping.timeZone } },
    },
  };
}
