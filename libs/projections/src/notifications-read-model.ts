import { TICKET_STREAM_PREFIX } from '@app/application/event-mapping';
import { NOTIFICATION_EVENT_TYPES, NotificationEvent, TicketEvent, extended } from '@app/domain';
import { StoredEvent } from '@app/event-store';
import { ReadModel } from './projection';

export const NOTIFICATION_STREAM_PREFIX = 'notification-';
export const notificationStreamId = (notificationId: string) =>
  `${NOTIFICATION_STREAM_PREFIX}${notificationId}`;

/** Who a notification goes to: a person with an address, or an agent (or the service desk) by id. */
export type Recipient =
  | {
      readonly kind: 'person';
      readonly role: 'requester' | 'manager';
      readonly name: string;
      readonly email: string;
    }
  | { readonly kind: 'agent'; readonly agentId: string | null };

/** One email the service desk owes: the outbox entry, folded from its cause and its delivery record. */
export interface NotificationDoc {
  readonly id: string;
  readonly ticketId: string;
  readonly cause: {
    readonly eventType: string;
    readonly eventId: string;
    readonly occurredAt: string;
    readonly recordedAt: string;
    /** Issued by the process manager: dated when it fell due, which may be long before it was issued. */
    readonly byAutomation: boolean;
  };
  readonly to: Recipient;
  readonly subject: string;
  readonly body: string;
  /** `failed`: given up after the last attempt (the reason in lastError). */
  readonly status: 'pending' | 'sent' | 'failed' | 'skipped';
  readonly attempts: number;
  /** When to try (again); null once sent or skipped. */
  readonly nextAttemptAt: string | null;
  readonly lastError: string | null;
  readonly sentAt: string | null;
}

/** The ticket events that owe someone an email. */
export const NOTIFYING_EVENT_TYPES = [
  'TicketLogged',
  'UserReminderSent',
  'UserManagerContacted',
  'CustomerUpdateMissed',
  'TicketEscalated',
] as const;

const ticketIdOf = (event: StoredEvent) => event.streamId.slice(TICKET_STREAM_PREFIX.length);

/**
 * An event recorded this long after it happened is history brought in (an import), not news: it owes no
 * email. The process manager's own late actions are news whenever they are issued.
 */
export const HISTORY_RECORDING_LAG_MS = 72 * 3_600_000;

/** The email a ticket event owes, or null. */
export function notificationFor(
  event: StoredEvent,
): Omit<NotificationDoc, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'sentAt'> | null {
  const byAutomation = event.metadata.actor.role === 'system';
  if (
    !byAutomation &&
    Date.parse(event.recordedAt) - Date.parse(event.metadata.occurredAt) > HISTORY_RECORDING_LAG_MS
  )
    return null;
  const ticketId = ticketIdOf(event);
  const cause = {
    eventType: event.type,
    eventId: event.id,
    occurredAt: event.metadata.occurredAt,
    recordedAt: event.recordedAt,
    byAutomation,
  };
  const base = { id: event.id, ticketId, cause };
  const owed = (to: Recipient, subject: string, body: string) => extended(base, { to, subject, body });
  const e = { type: event.type, data: event.data } as TicketEvent;
  switch (e.type) {
    case 'TicketLogged':
      return owed(
        { kind: 'person', role: 'requester', name: e.data.requester.name, email: e.data.requester.email },
        `[${ticketId}] We have logged your request: ${e.data.summary}`,
        `Dear ${e.data.requester.name},\n\nyour request "${e.data.summary}" is logged as ticket ${ticketId} (${e.data.priority}). We will keep you informed.\n`,
      );
    case 'UserReminderSent':
      return owed(
        { kind: 'person', role: 'requester', name: e.data.requester.name, email: e.data.requester.email },
        `[${ticketId}] Reminder: we are waiting for your answer`,
        `Dear ${e.data.requester.name},\n\nticket ${ticketId} has been waiting for your answer since ${e.data.awaitingSince}. Please reply so that we can continue.\n`,
      );
    case 'UserManagerContacted':
      return owed(
        { kind: 'person', role: 'manager', name: e.data.manager.name, email: e.data.manager.email },
        `[${ticketId}] ${e.data.requester.name} has not answered for ${e.data.afterBusinessDays} business days`,
        `Dear ${e.data.manager.name},\n\nticket ${ticketId} of ${e.data.requester.name} has been waiting for their answer since ${e.data.awaitingSince}. Could you help us reach them?\n`,
      );
    case 'CustomerUpdateMissed':
      return owed(
        { kind: 'agent', agentId: e.data.assigneeId },
        `[${ticketId}] Customer update overdue (${e.data.priority})`,
        `The customer of ticket ${ticketId} was due an update at ${e.data.dueAt} (every ${e.data.intervalMinutes} business minutes for ${e.data.priority}).\n`,
      );
    case 'TicketEscalated':
      return owed(
        { kind: 'agent', agentId: e.data.assigneeId },
        `[${ticketId}] Escalation: ${e.data.target} target ${e.data.level === 'warning' ? 'at 75%' : 'breached'} (${e.data.priority})`,
        `Ticket ${ticketId} (${e.data.priority}) reached its ${e.data.target} ${e.data.level === 'warning' ? 'warning threshold (75% of the target)' : 'target'} at ${e.data.thresholdAt}.\n`,
      );
    default:
      return null;
  }
}

/**
 * The outbox: one document per email a ticket event owes, created by the projection in the same
 * transaction as its checkpoint (so never lost and never created twice), and moved on by the delivery
 * record in the notification's own stream. A rebuild recreates the same documents with the same status.
 */
export const notificationsReadModel: ReadModel<NotificationDoc> = {
  collection: 'notifications',
  streamPrefix: NOTIFICATION_STREAM_PREFIX,
  alsoApplies: { streamPrefix: TICKET_STREAM_PREFIX, eventTypes: NOTIFYING_EVENT_TYPES },
  eventTypes: [...NOTIFYING_EVENT_TYPES, ...NOTIFICATION_EVENT_TYPES],
  indexes: [{ fields: ['status', 'nextAttemptAt'] }, { fields: ['ticketId'] }],
  documentId: (event) =>
    event.streamId.startsWith(NOTIFICATION_STREAM_PREFIX)
      ? event.streamId.slice(NOTIFICATION_STREAM_PREFIX.length)
      : event.id,
  evolve: (doc, event) => {
    if (!event.streamId.startsWith(NOTIFICATION_STREAM_PREFIX)) {
      const created = notificationFor(event);
      if (!created) return doc;
      return extended(created, {
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: created.cause.occurredAt,
        lastError: null,
        sentAt: null,
      });
    }
    if (!doc) throw new Error(`delivery record for an unknown notification ${event.streamId}`);
    const e = { type: event.type, data: event.data } as NotificationEvent;
    switch (e.type) {
      case 'NotificationSent':
        return {
          ...doc,
          status: 'sent',
          attempts: e.data.attempt,
          nextAttemptAt: null,
          sentAt: event.metadata.occurredAt,
          lastError: null,
        };
      case 'NotificationDeliveryFailed':
        return {
          ...doc,
          // No next attempt: given up.
          status: e.data.nextAttemptAt === null ? 'failed' : 'pending',
          attempts: e.data.attempt,
          nextAttemptAt: e.data.nextAttemptAt,
          lastError: e.data.error,
        };
      case 'NotificationSkipped':
        return { ...doc, status: 'skipped', nextAttemptAt: null, lastError: e.data.reason };
      default:
        throw new Error(`unknown notification event ${event.type}`);
    }
  },
};
