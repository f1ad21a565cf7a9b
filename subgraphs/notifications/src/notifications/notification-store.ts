import { randomUUID } from 'node:crypto';
import { newestFirstPage, pageOf, recordEvents, type KeysetCursor, type PendingEvent } from '#kit';
import type {
  NotificationCategory,
  NotificationChannel,
  NotificationRow,
  NotificationsDatabase,
  NotificationsTransaction,
} from '../database.js';
import type { Locale } from '../templates/template.js';

export type Notification = NotificationRow;

/** One message to write: to a user, or to an address given by the event. */
export interface NewNotification {
  userId: string | null;
  address: string | null;
  eventId: string;
  eventType: string;
  category: NotificationCategory;
  channel: NotificationChannel;
  title: string;
  body: string;
  locale: Locale;
}

export interface NotificationPageArgs {
  first: number;
  after?: KeysetCursor;
  unreadOnly: boolean;
}

type Client = NotificationsDatabase | NotificationsTransaction;

/** Data access for notifications; the in-app list is what a user sees, the other channels are delivery records. */
export function notificationStore(client: NotificationsDatabase) {
  return {
    /**
     * Writes the messages an event causes. A message already written for the same event,
     * recipient and channel is skipped, so a redelivered event adds nothing; returns those written.
     * In-app messages are delivered by being stored, so they are written SENT.
     */
    async createMany(transaction: Client, messages: readonly NewNotification[], now: Date): Promise<Notification[]> {
      const written: Notification[] = [];
      for (const message of messages) {
        const inApp = message.channel === 'IN_APP';
        const rows = await transaction.notification.createManyAndReturn({
          data: [
            {
              id: randomUUID(),
              ...message,
              recipientKey: message.userId ?? message.address ?? '',
              status: inApp ? 'SENT' : 'PENDING',
              sentAt: inApp ? now : null,
              nextAttemptAt: inApp ? null : now,
              createdAt: now,
            },
          ],
          skipDuplicates: true,
        });
        written.push(...rows);
      }
      return written;
    },

    findByIds: (ids: readonly string[]) => client.notification.findMany({ where: { id: { in: [...ids] } } }),

    async pageOf(userId: string, args: NotificationPageArgs) {
      const filter = { userId, channel: 'IN_APP' as const, ...(args.unreadOnly ? { readAt: null } : {}) };
      const [rows, totalCount] = await Promise.all([
        client.notification.findMany(newestFirstPage(filter, args.after, args.first)),
        client.notification.count({ where: filter }),
      ]);
      return { ...pageOf(rows, args.first), totalCount };
    },

    /** Marks the user's in-app message read (the first time only); null when it is not theirs. */
    async markRead(userId: string, id: string, now: Date): Promise<Notification | null> {
      await client.notification.updateMany({ where: { id, userId, channel: 'IN_APP', readAt: null }, data: { readAt: now } });
      const row = await client.notification.findUnique({ where: { id } });
      return row !== null && row.userId === userId && row.channel === 'IN_APP' ? row : null;
    },

    /**
     * Takes up to `limit` messages due for delivery and leases them: their attempt is counted
     * and their next attempt pushed `leaseMs` away, so another instance (SKIP LOCKED) or a later
     * sweep does not take them while this one is sending. A crash mid-send retries after the lease.
     */
    async claimDue(limit: number, leaseMs: number): Promise<Notification[]> {
      const ids = await client.$queryRaw<Array<{ id: string }>>`
        UPDATE notifications SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
        WHERE id IN (
          SELECT id FROM notifications
          WHERE status = 'PENDING' AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        )
        RETURNING id`;
      if (ids.length === 0) return [];
      return client.notification.findMany({ where: { id: { in: ids.map((row) => row.id) } } });
    },

    /**
     * Records a delivery's outcome, with its events, if the lease is still this attempt's
     * (same attempt count, still pending); returns whether it was recorded.
     */
    async settle(
      notification: Notification,
      outcome: { status: 'SENT'; at: Date } | { status: 'PENDING'; retryAt: Date; error: string } | { status: 'FAILED'; error: string },
      events: readonly PendingEvent[],
    ): Promise<boolean> {
      return client.$transaction(async (transaction) => {
        const where = { id: notification.id, status: 'PENDING' as const, attempts: notification.attempts };
        const data =
          outcome.status === 'SENT'
            ? { status: 'SENT' as const, sentAt: outcome.at, nextAttemptAt: null, lastError: null }
            : outcome.status === 'PENDING'
              ? { nextAttemptAt: outcome.retryAt, lastError: outcome.error }
              : { status: 'FAILED' as const, nextAttemptAt: null, lastError: outcome.error };
        const { count } = await transaction.notification.updateMany({ where, data });
        if (count === 1 && events.length > 0) await recordEvents(transaction, events);
        return count === 1;
      });
    },

    /** Erasure: a deleted user's messages go with them. */
    deleteOf: (transaction: Client, userId: string) => transaction.notification.deleteMany({ where: { userId } }),
  };
}

export type NotificationStore = ReturnType<typeof notificationStore>;
