import { z } from 'zod';
import { defineEvent, eventTime } from '#kit';

export const NOTIFICATION_TOPIC = 'notification.events';

const channel = z.enum(['IN_APP', 'EMAIL', 'SMS', 'PUSH']);
const notification = { topic: NOTIFICATION_TOPIC, version: 1, producer: 'notifications', key: 'userId' } as const;

export const NotificationEvents = {
  sent: defineEvent({
    ...notification,
    type: 'notification.sent',
    data: z.object({ notificationId: z.uuid(), userId: z.uuid(), channel, category: z.string(), sentAt: eventTime }),
  }),
  failed: defineEvent({
    ...notification,
    type: 'notification.failed',
    data: z.object({
      notificationId: z.uuid(),
      userId: z.uuid(),
      channel,
      category: z.string(),
      attempts: z.number().int().positive(),
      reason: z.string(),
      failedAt: eventTime,
    }),
  }),
} as const;
