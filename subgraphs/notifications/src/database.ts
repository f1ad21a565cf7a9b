export { PrismaClient as NotificationsDatabase, Prisma } from './generated/prisma/client.js';
export type {
  Notification as NotificationRow,
  NotificationCategory,
  NotificationChannel,
  NotificationStatus,
} from './generated/prisma/client.js';
import type { PrismaClient } from './generated/prisma/client.js';

/** The transaction client Prisma hands to `$transaction` callbacks. */
export type NotificationsTransaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
