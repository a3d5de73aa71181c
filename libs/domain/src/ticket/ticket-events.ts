import { Priority } from '../agreement/agreement-terms';
import { IsoInstant } from '../shared/time';

export const CHANNELS = ['email', 'phone', 'portal', 'chat', 'walk_in'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LOGGABLE_KINDS = ['incident', 'service_request'] as const;
export type LoggableKind = (typeof LOGGABLE_KINDS)[number];
export const TICKET_KINDS = [...LOGGABLE_KINDS, 'user_error'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

export const TICKET_STATUSES = ['logged', 'in_progress', 'awaiting_user', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const CLOSURE_KINDS = ['confirmed', 'auto_closed', 'closed_unresolved'] as const;
export type ClosureKind = (typeof CLOSURE_KINDS)[number];

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

export interface Requester extends Person {
  /** Contacted when the requester stays silent while the ticket awaits them. */
  readonly manager: Person;
}

/** An event of schema version 1: its type and its data (the store adds the rest). */
export type DomainEvent<Type extends string, Data> = {
  readonly type: Type;
  readonly schemaVersion: 1;
  readonly data: Readonly<Data>;
};

export type TicketLogged = DomainEvent<
  'TicketLogged',
  {
    ticketId: string;
    kind: LoggableKind;
    customerId: string;
    service: string;
    priority: Priority;
    channel: Channel;
    requester: Requester;
    summary: string;
    description: string;
    /** The agreement version in force when the ticket was logged: the one it is measured by. */
    agreementId: string;
    agreementVersion: number;
  }
>;
export type TicketAcknowledged = DomainEvent<'TicketAcknowledged', { assigneeId: string | null }>;
export type TicketAssigned = DomainEvent<
  'TicketAssigned',
  { assigneeId: string; previousAssigneeId: string | null }
>;
export type PriorityChanged = DomainEvent<
  'PriorityChanged',
  { from: Priority; to: Priority; reason: string }
>;
export type CustomerUpdateRecorded = DomainEvent<
  'CustomerUpdateRecorded',
  { channel: Channel; message: string }
>;
export type UserInfoRequested = DomainEvent<'UserInfoRequested', { question: string }>;
export type UserResponded = DomainEvent<'UserResponded', { response: string }>;
export type ReclassifiedAsUserError = DomainEvent<
  'ReclassifiedAsUserError',
  { category: string; reason: string; previousKind: LoggableKind }
>;
export type UserErrorReclassificationRevoked = DomainEvent<
  'UserErrorReclassificationRevoked',
  { reason: string; restoredKind: LoggableKind }
>;
export type EffortLogged = DomainEvent<'EffortLogged', { minutes: number; note: string }>;
export type TicketResolved = DomainEvent<'TicketResolved', { resolutionCode: string; notes: string }>;
export type ResolutionConfirmed = DomainEvent<'ResolutionConfirmed', { comment: string }>;
export type ResolutionRejected = DomainEvent<'ResolutionRejected', { reason: string }>;
export type TicketAutoClosed = DomainEvent<
  'TicketAutoClosed',
  { afterBusinessDays: number; resolvedAt: IsoInstant; deadline: IsoInstant }
>;
export type TicketClosedUnresolved = DomainEvent<
  'TicketClosedUnresolved',
  { problemReference: string; reason: string }
>;
export type ChargeWaived = DomainEvent<'ChargeWaived', { reason: string; approverId: string }>;
/** A correction: the waiver is withdrawn and the charge applies again. */
export type ChargeWaiverRevoked = DomainEvent<'ChargeWaiverRevoked', { reason: string }>;
/** A correction of logged effort: the total becomes `correctedTotalMinutes` (a new fact, never an edit). */
export type EffortCorrected = DomainEvent<
  'EffortCorrected',
  { previousTotalMinutes: number; correctedTotalMinutes: number; reason: string }
>;
/** A correction of a user error's rate-card category. */
export type UserErrorCategoryCorrected = DomainEvent<
  'UserErrorCategoryCorrected',
  { from: string; to: string; reason: string }
>;

/** The requester was reminded that the ticket waits for them (automation). */
export type UserReminderSent = DomainEvent<
  'UserReminderSent',
  { requester: Person; awaitingSince: IsoInstant; afterBusinessDays: number; deadline: IsoInstant }
>;
/** The requester's manager was contacted because the requester stayed silent (automation). */
export type UserManagerContacted = DomainEvent<
  'UserManagerContacted',
  {
    manager: Person;
    requester: Person;
    awaitingSince: IsoInstant;
    afterBusinessDays: number;
    deadline: IsoInstant;
  }
>;
/**
 * An update interval of running business time passed without a customer update (automation). The
 * reported figure is computed from the SLA clock; this records that it was noticed and the assignee told.
 */
export type CustomerUpdateMissed = DomainEvent<
  'CustomerUpdateMissed',
  {
    occurrence: number;
    dueAt: IsoInstant;
    intervalMinutes: number;
    priority: Priority;
    assigneeId: string | null;
  }
>;
/** A target is near (warning, at 75%) or passed (breach) (automation). */
export type TicketEscalated = DomainEvent<
  'TicketEscalated',
  {
    target: 'response' | 'resolution';
    level: 'warning' | 'breach';
    priority: Priority;
    thresholdAt: IsoInstant;
    assigneeId: string | null;
  }
>;

export type TicketEvent =
  | TicketLogged
  | TicketAcknowledged
  | TicketAssigned
  | PriorityChanged
  | CustomerUpdateRecorded
  | UserInfoRequested
  | UserResponded
  | ReclassifiedAsUserError
  | UserErrorReclassificationRevoked
  | EffortLogged
  | TicketResolved
  | ResolutionConfirmed
  | ResolutionRejected
  | TicketAutoClosed
  | TicketClosedUnresolved
  | ChargeWaived
  | ChargeWaiverRevoked
  | EffortCorrected
  | UserErrorCategoryCorrected
  | UserReminderSent
  | UserManagerContacted
  | CustomerUpdateMissed
  | TicketEscalated;

export type TicketEventType = TicketEvent['type'];

/** Every ticket event type, for catalogues, subscriptions and exhaustive tests. */
export const TICKET_EVENT_TYPES: readonly TicketEventType[] = [
  'TicketLogged',
  'TicketAcknowledged',
  'TicketAssigned',
  'PriorityChanged',
  'CustomerUpdateRecorded',
  'UserInfoRequested',
  'UserResponded',
  'ReclassifiedAsUserError',
  'UserErrorReclassificationRevoked',
  'EffortLogged',
  'TicketResolved',
  'ResolutionConfirmed',
  'ResolutionRejected',
  'TicketAutoClosed',
  'TicketClosedUnresolved',
  'ChargeWaived',
  'ChargeWaiverRevoked',
  'EffortCorrected',
  'UserErrorCategoryCorrected',
  'UserReminderSent',
  'UserManagerContacted',
  'CustomerUpdateMissed',
  'TicketEscalated',
];

/** A ticket event as it happened: business computations need to know when. */
export type TimedTicketEvent = TicketEvent & { readonly occurredAt: IsoInstant };
