export { PrismaClient as AccountsDatabase, Prisma } from './generated/prisma/client.js';
export type { User as UserRow, Role as RoleRow } from './generated/prisma/client.js';
