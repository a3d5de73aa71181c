import { DomainEvent } from '../ticket/ticket-events';

/*
 * The delivery record of one notification, in a stream of its own (`notification-<id>`, the id of the
 * ticket event that caused it): the outbox's memory of what was sent, tried or skipped.
 */

export type NotificationSent = DomainEvent<
  'NotificationSent',
  { to: string; subject: string; messageId: string; attempt: number; transport: string }
>;
export type NotificationDeliveryFailed = DomainEvent<
  'NotificationDeliveryFailed',
  { to: string; attempt: number; error: string; nextAttemptAt: string | null }
>;
/** Not sent, with why (its cause is older than the delivery window, e.g. history replayed after an import). */
export type NotificationSkipped = DomainEvent<'NotificationSkipped', { reason: string }>;

export type NotificationEvent = NotificationSent | NotificationDeliveryFailed | NotificationSkipped;
export const NOTIFICATION_EVENT_TYPES: readonly NotificationEvent['type'][] = [
  'NotificationSent',
  'NotificationDeliveryFailed',
  'NotificationSkipped',
];
