import type { PrismaClient } from './generated/prisma/client.js';

export { PrismaClient as AccountsDatabase, Prisma } from './generated/prisma/client.js';
export type { User as UserRow, Role as RoleRow } from './generated/prisma/client.js';

/** The client a `$transaction` callback receives; consumers write their effects through it. */
export type AccountsTransaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
