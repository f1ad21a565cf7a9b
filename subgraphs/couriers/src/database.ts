export { PrismaClient as CouriersDatabase, Prisma } from './generated/prisma/client.js';
export type {
  CourierProfile as CourierProfileRow,
  VehicleType,
  CourierAvailability,
  Delivery as DeliveryRow,
  DeliveryOffer as DeliveryOfferRow,
  DeliveryStatus,
  OfferStatus,
} from './generated/prisma/client.js';
