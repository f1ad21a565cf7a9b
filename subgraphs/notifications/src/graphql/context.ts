import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { NotificationService } from '../notifications/notification-service.js';
import type { Notification, NotificationStore } from '../notifications/notification-store.js';

export interface NotificationsContext extends RequestContext {
  readonly service: NotificationService;
  /** Batches `notification` and `_entities` lookups into one query per request. */
  readonly notificationById: DataLoader<string, Notification | null>;
}

export function notificationLoader(notifications: NotificationStore): DataLoader<string, Notification | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await notifications.findByIds(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}
