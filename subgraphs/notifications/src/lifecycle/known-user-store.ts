import type { NotificationsDatabase, NotificationsTransaction } from '../database.js';

type Client = NotificationsDatabase | NotificationsTransaction;

/** The users accounts announced, with their roles, for broadcasts. */
export function knownUserStore(client: NotificationsDatabase) {
  return {
    remember: (transaction: Client, userId: string, roles: readonly string[]) =>
      transaction.knownUser.upsert({ where: { userId }, create: { userId, roles: [...roles] }, update: { roles: [...roles] } }),
    forget: (transaction: Client, userId: string) => transaction.knownUser.deleteMany({ where: { userId } }),
    /** Every known user, or those holding `role`. */
    async ids(role: string | null): Promise<string[]> {
      const rows = await client.knownUser.findMany({
        where: role === null ? {} : { roles: { has: role } },
        select: { userId: true },
        orderBy: { userId: 'asc' },
      });
      return rows.map((row) => row.userId);
    },
  };
}

export type KnownUserStore = ReturnType<typeof knownUserStore>;
