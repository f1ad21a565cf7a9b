export { PrismaClient as OrdersDatabase, Prisma } from './generated/prisma/client.js';
export type {
  Order as OrderRow,
  OrderItem as OrderItemRow,
  OrderStatusChange as StatusChangeRow,
  CatalogProduct as CatalogProductRow,
  SavedAddress as SavedAddressRow,
  OrderCourier as OrderCourierRow,
  OrderStatus,
  PaymentMethod,
  OrderActorRole,
  CancellationReasonCode,
  PaymentFailureCode,
} from './generated/prisma/client.js';
import type { PrismaClient } from './generated/prisma/client.js';

/** The transaction client Prisma hands to `$transaction` callbacks. */
export type OrdersTransaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
