export { PrismaClient as CouriersDatabase, Prisma } from './generated/prisma/client.js';
export type {
  CourierProfile as CourierProfileRow,
  VehicleType,
  CylinderType,
  CourierCapacity as CourierCapacityRow,
  DeliveryCylinders as DeliveryCylindersRow,
  CourierAvailability,
  Delivery as DeliveryRow,
  DeliveryOffer as DeliveryOfferRow,
  DeliveryStatus,
  OfferStatus,
} from './generated/prisma/client.js';
