import { pendingEvent, type EventOrigin, type PendingEvent } from '#kit';
import type { NotificationRow } from '../database.js';
import { NotificationEvents } from '../events/index.js';

/**
 * The outcome of a delivery. A message to someone without an account (an invitee) has no
 * user id, which the catalogue requires, so it is recorded but not announced.
 */
export function notificationSentEvent(origin: EventOrigin, notification: NotificationRow, sentAt: Date): PendingEvent[] {
  if (notification.userId === null) return [];
  return [
    pendingEvent(NotificationEvents.sent, origin, notification.userId, {
      notificationId: notification.id,
      userId: notification.userId,
      channel: notification.channel,
      category: notification.category,
      sentAt: sentAt.toISOString(),
    }),
  ];
}

export function notificationFailedEvent(
  origin: EventOrigin,
  notification: NotificationRow,
  reason: string,
  failedAt: Date,
): PendingEvent[] {
  if (notification.userId === null) return [];
  return [
    pendingEvent(NotificationEvents.failed, origin, notification.userId, {
      notificationId: notification.id,
      userId: notification.userId,
      channel: notification.channel,
      category: notification.category,
      attempts: Math.max(1, notification.attempts),
      reason,
      failedAt: failedAt.toISOString(),
    }),
  ];
}
