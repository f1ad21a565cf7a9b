import type { NotificationCategory, NotificationChannel, NotificationsDatabase, NotificationsTransaction } from '../database.js';

export interface Preference {
  channel: NotificationChannel;
  category: NotificationCategory;
  enabled: boolean;
}

type Client = NotificationsDatabase | NotificationsTransaction;

/** Users' channel choices. A channel and category without a row is enabled. */
export function preferenceStore(client: NotificationsDatabase) {
  return {
    async disabledFor(transaction: Client, userIds: readonly string[]): Promise<Array<{ userId: string; channel: NotificationChannel; category: NotificationCategory }>> {
      if (userIds.length === 0) return [];
      return transaction.notificationPreference.findMany({
        where: { userId: { in: [...userIds] }, enabled: false },
        select: { userId: true, channel: true, category: true },
      });
    },
    of: (userId: string): Promise<Preference[]> =>
      client.notificationPreference.findMany({ where: { userId }, select: { channel: true, category: true, enabled: true } }),
    set: (userId: string, preference: Preference) =>
      client.notificationPreference.upsert({
        where: { userId_channel_category: { userId, channel: preference.channel, category: preference.category } },
        create: { userId, ...preference },
        update: { enabled: preference.enabled },
      }),
    deleteOf: (transaction: Client, userId: string) => transaction.notificationPreference.deleteMany({ where: { userId } }),
  };
}

export type PreferenceStore = ReturnType<typeof preferenceStore>;
