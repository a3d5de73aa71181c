/**
 * The delivery record of one notification, in a stream of its own (`notification-<id>`, the id of the
 * ticket event that caused it): the outbox's memory of what was sent, tried or skipped.
 */
type Event<Type extends string, Data> = {
  readonly type: Type;
  readonly schemaVersion: 1;
  readonly data: Readonly<Data>;
};

export type NotificationSent = Event<
  'NotificationSent',
  { to: string; subject: string; messageId: string; attempt: number; transport: string }
>;
export type NotificationDeliveryFailed = Event<
  'NotificationDeliveryFailed',
  { to: string; attempt: number; error: string; nextAttemptAt: string | null }
>;
/** Not sent, with why (its cause is older than the delivery window, e.g. history replayed after an import). */
export type NotificationSkipped = Event<'NotificationSkipped', { reason: string }>;

export type NotificationEvent = NotificationSent | NotificationDeliveryFailed | NotificationSkipped;
export const NOTIFICATION_EVENT_TYPES: readonly NotificationEvent['type'][] = [
  'NotificationSent',
  'NotificationDeliveryFailed',
  'NotificationSkipped',
];
