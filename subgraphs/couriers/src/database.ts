export { PrismaClient as CouriersDatabase, Prisma } from './generated/prisma/client.js';
export type { CourierProfile as CourierProfileRow, VehicleType, CourierAvailability } from './generated/prisma/client.js';
