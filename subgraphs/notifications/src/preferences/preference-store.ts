import type { NotificationCategory, NotificationChannel, NotificationsDatabase, NotificationsTransaction } from '../database.js';
import { DEFAULT_LOCALE, isLocale, type Locale } from '../templates/template.js';

export interface Preference {
  channel: NotificationChannel;
  category: NotificationCategory;
  enabled: boolean;
}

type Client = NotificationsDatabase | NotificationsTransaction;

/** Users' choices: channels per category (a pair without a row is enabled) and the language they read in (pt-BR unless chosen). */
export function preferenceStore(client: NotificationsDatabase) {
  return {
    async disabledFor(
      transaction: Client,
      userIds: readonly string[],
    ): Promise<Array<{ userId: string; channel: NotificationChannel; category: NotificationCategory }>> {
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
    async localesOf(transaction: Client, userIds: readonly string[]): Promise<Map<string, Locale>> {
      const rows = userIds.length === 0 ? [] : await transaction.languagePreference.findMany({ where: { userId: { in: [...userIds] } } });
      const chosen = new Map(rows.map((row) => [row.userId, isLocale(row.locale) ? row.locale : DEFAULT_LOCALE]));
      return new Map(userIds.map((id) => [id, chosen.get(id) ?? DEFAULT_LOCALE]));
    },
    async localeOf(userId: string): Promise<Locale> {
      const row = await client.languagePreference.findUnique({ where: { userId } });
      return row !== null && isLocale(row.locale) ? row.locale : DEFAULT_LOCALE;
    },
    setLocale: (userId: string, locale: Locale) =>
      client.languagePreference.upsert({ where: { userId }, create: { userId, locale }, update: { locale } }),
    async deleteOf(transaction: Client, userId: string) {
      await transaction.notificationPreference.deleteMany({ where: { userId } });
      await transaction.languagePreference.deleteMany({ where: { userId } });
    },
  };
}

export type PreferenceStore = ReturnType<typeof preferenceStore>;
