import { isUuid, type Role } from '#kit';
import { Prisma, type AccountsDatabase, type UserRow } from '../database.js';

export type User = Omit<UserRow, 'roles'> & { roles: Role[] };

export interface NewUser {
  id: string;
  email: string;
  phone: string;
  name: string;
  passwordHash: string;
  roles: Role[];
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

export interface UserStore {
  create(user: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
  findByIds(ids: readonly string[]): Promise<User[]>;
  findByEmail(email: string): Promise<User | null>;
  /** Newest first, keyset-paginated. */
  list(options: { first: number; after?: PageCursor; role?: Role }): Promise<UserPage>;
  update(id: string, patch: Partial<Pick<User, 'name' | 'email' | 'phone' | 'roles'>>): Promise<User | null>;
}

export function userStore(database: AccountsDatabase): UserStore {
  return {
    create: (user) => translateUniqueViolation(() => database.user.create({ data: user })),
    findById: async (id) => (isUuid(id) ? database.user.findUnique({ where: { id } }) : null),
    findByIds: (ids) => database.user.findMany({ where: { id: { in: ids.filter(isUuid) } } }),
    findByEmail: (email) => database.user.findUnique({ where: { email } }),
    async list({ first, after, role }) {
      const filter: Prisma.UserWhereInput = role === undefined ? {} : { roles: { has: role } };
      const page: Prisma.UserWhereInput =
        after === undefined
          ? filter
          : {
              ...filter,
              OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
            };
      const [rows, totalCount] = await Promise.all([
        database.user.findMany({ where: page, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first + 1 }),
        database.user.count({ where: filter }),
      ]);
      return { users: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
    },
    async update(id, patch) {
      if (!isUuid(id)) return null;
      try {
        return await translateUniqueViolation(() => database.user.update({ where: { id }, data: patch }));
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') return null;
        throw error;
      }
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
