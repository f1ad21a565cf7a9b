import type { NotificationsDatabase, NotificationsTransaction } from '../database.js';
import type { ContactDetails, ContactSource } from './contact-source.js';

type Client = NotificationsDatabase | NotificationsTransaction;

/**
 * Contact details cached from the source for `ttlSeconds`. The cache is dropped when accounts
 * announces a change of email or phone (user.updated) and when the user is deleted.
 */
export function contactDirectory(
  client: NotificationsDatabase,
  source: ContactSource,
  ttlSeconds: number,
  now: () => Date = () => new Date(),
) {
  return {
    async lookup(userId: string): Promise<ContactDetails | null> {
      const cached = await client.contact.findUnique({ where: { userId } });
      if (cached !== null && now().getTime() - cached.fetchedAt.getTime() < ttlSeconds * 1000) {
        return { email: cached.email, phone: cached.phone };
      }
      const fresh = await source.contactOf(userId);
      if (fresh === null) return null;
      const row = { email: fresh.email, phone: fresh.phone, fetchedAt: now() };
      await client.contact.upsert({ where: { userId }, create: { userId, ...row }, update: row });
      return fresh;
    },
    forget: (transaction: Client, userId: string) => transaction.contact.deleteMany({ where: { userId } }),
  };
}

export type ContactDirectory = ReturnType<typeof contactDirectory>;
