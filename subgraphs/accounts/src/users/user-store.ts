import { isUuid, newestFirstPage, pageOf, recordEvents, type PendingEvent, type Role } from '#kit';
import { Prisma, type AccountsDatabase, type AccountsTransaction, type UserRow } from '../database.js';

export type User = Omit<UserRow, 'roles'> & { roles: Role[] };

export interface NewUser {
  id: string;
  email: string;
  phone: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  /** The invitation or referral the user registered with. */
  invitationId?: string | null;
}

export interface UserPage {
  users: User[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Raised when an email or phone already belongs to another account. */
export class DuplicateUserFieldError extends Error {
  constructor(readonly field: 'email' | 'phone') {
    super(`${field} is already registered`);
    this.name = 'DuplicateUserFieldError';
  }
}

export interface PageCursor {
  createdAt: Date;
  id: string;
}

/** The events a change causes, built from the changed row; written in the change's transaction. */
export type EventsOf = (user: User) => PendingEvent[];

/** The events an update causes, built from the row after and before it. */
export type ChangeEventsOf = (user: User, previous: User) => PendingEvent[];

export interface UserStore {
  create(user: NewUser, events: EventsOf): Promise<User>;
  findById(id: string): Promise<User | null>;
  findByIds(ids: readonly string[]): Promise<User[]>;
  findByEmail(email: string): Promise<User | null>;
  /** Newest first, keyset-paginated. */
  list(options: { first: number; after?: PageCursor; role?: Role }): Promise<UserPage>;
  /**
   * Applies the patch; when `revokesAccess` says so of the row before it, the
   * user's access version is raised in the same transaction (their access
   * tokens are then refused everywhere, once the events say so).
   */
  update(
    id: string,
    patch: Partial<Pick<User, 'name' | 'email' | 'phone' | 'roles'>>,
    events: ChangeEventsOf,
    revokesAccess?: (previous: User) => boolean,
  ): Promise<User | null>;
  /**
   * Sets the verification outcome inside a consumer's transaction; the
   * updated user when the value changed, null when it did not (or no such live user).
   * Withdrawing it raises the access version.
   */
  setVerified(id: string, verified: boolean, transaction: AccountsTransaction, events: EventsOf): Promise<User | null>;
  /**
   * Anonymises the account's personal data, marks it deleted, revokes its
   * sessions, erases its second factor and raises its access version; null
   * when there is no such live account.
   */
  markDeleted(id: string, at: Date, events: EventsOf): Promise<User | null>;
  /** Revokes every session of the user and raises the access version; null when there is no such live user. */
  endAllSessions(id: string, at: Date, events: EventsOf): Promise<User | null>;
}

export function userStore(database: AccountsDatabase): UserStore {
  return {
    create: (user, events) =>
      translateUniqueViolation(() =>
        database.$transaction(async (transaction) => {
          const created = await transaction.user.create({ data: user });
          await recordEvents(transaction, events(created));
          return created;
        }),
      ),
    findById: async (id) => (isUuid(id) ? database.user.findFirst({ where: { id, deletedAt: null } }) : null),
    findByIds: (ids) => database.user.findMany({ where: { id: { in: ids.filter(isUuid) }, deletedAt: null } }),
    findByEmail: (email) => database.user.findFirst({ where: { email, deletedAt: null } }),
    async list({ first, after, role }) {
      const filter: Prisma.UserWhereInput = { deletedAt: null, ...(role === undefined ? {} : { roles: { has: role } }) };
      const [rows, totalCount] = await Promise.all([
        database.user.findMany(newestFirstPage(filter, after, first)),
        database.user.count({ where: filter }),
      ]);
      const { nodes, hasNextPage } = pageOf(rows, first);
      return { users: nodes, hasNextPage, totalCount };
    },
    async update(id, patch, events, revokesAccess) {
      if (!isUuid(id)) return null;
      return translateUniqueViolation(() =>
        database.$transaction(async (transaction) => {
          // Locked, so that what `revokesAccess` judges is the row this update replaces.
          await transaction.$queryRaw`select id from users where id = ${id}::uuid for update`;
          const previous = await transaction.user.findFirst({ where: { id, deletedAt: null } });
          if (previous === null) return null;
          const revoke = revokesAccess?.(previous) ?? false;
          const updated = await transaction.user.update({
            where: { id },
            data: { ...patch, ...(revoke ? { accessVersion: { increment: 1 } } : {}) },
          });
          await recordEvents(transaction, events(updated, previous));
          return updated;
        }),
      );
    },
    async setVerified(id, verified, transaction, events) {
      if (!isUuid(id)) return null;
      const { count } = await transaction.user.updateMany({
        where: { id, deletedAt: null, verified: !verified },
        data: { verified, ...(verified ? {} : { accessVersion: { increment: 1 } }) },
      });
      if (count === 0) return null;
      const updated = await transaction.user.findUniqueOrThrow({ where: { id } });
      await recordEvents(transaction, events(updated));
      return updated;
    },
    async markDeleted(id, at, events) {
      if (!isUuid(id)) return null;
      return database.$transaction(async (transaction) => {
        const { count } = await transaction.user.updateMany({
          where: { id, deletedAt: null },
          data: {
            // Unique placeholders keep the unique indexes satisfied and free the real email and phone.
            email: `deleted+${id}@deleted.invalid`,
            phone: `deleted:${id}`,
            name: 'Deleted user',
            passwordHash: '!',
            verified: false,
            invitationId: null,
            deletedAt: at,
            accessVersion: { increment: 1 },
          },
        });
        if (count === 0) return null;
        await transaction.refreshToken.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: at } });
        await transaction.mfaLoginChallenge.deleteMany({ where: { userId: id } });
        await transaction.mfaRecoveryCode.deleteMany({ where: { userId: id } });
        await transaction.mfaFactor.deleteMany({ where: { userId: id } });
        // Published events about the user (user.created carries the name) need not wait for the outbox's retention.
        await transaction.$executeRaw`delete from outbox_events where key = ${id} and published_at is not null`;
        const deleted = await transaction.user.findUniqueOrThrow({ where: { id } });
        await recordEvents(transaction, events(deleted));
        return deleted;
      });
    },
    async endAllSessions(id, at, events) {
      if (!isUuid(id)) return null;
      return database.$transaction(async (transaction) => {
        const { count } = await transaction.user.updateMany({ where: { id, deletedAt: null }, data: { accessVersion: { increment: 1 } } });
        if (count === 0) return null;
        await transaction.refreshToken.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: at } });
        const user = await transaction.user.findUniqueOrThrow({ where: { id } });
        await recordEvents(transaction, events(user));
        return user;
      });
    },
  };
}

async function translateUniqueViolation<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      const target = JSON.stringify(error.meta ?? {});
      throw new DuplicateUserFieldError(target.includes('phone') ? 'phone' : 'email');
    }
    throw error;
  }
}
