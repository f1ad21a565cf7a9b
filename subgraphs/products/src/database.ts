export { PrismaClient as ProductsDatabase, Prisma } from './generated/prisma/client.js';
export type { Product as ProductRow, Store as StoreRow, CylinderType } from './generated/prisma/client.js';
