export { PrismaClient as ProductsDatabase, Prisma } from './generated/prisma/client.js';
export type { Product as ProductRow, CylinderType } from './generated/prisma/client.js';
