import { z } from 'zod';
import { defineEvent } from '#kit';
import { orderLineSchema } from '../../../orders/src/events/index.js';
import { saleTypeSchema } from './store-events.js';

export const PRODUCT_TOPIC = 'product.events';

const productSnapshot = z.object({
  productId: z.uuid(),
  supplierId: z.uuid(),
  name: z.string(),
  cylinderType: z.string(),
  priceAmount: z.number().int(),
  currency: z.string().length(3),
  stockQuantity: z.number().int().nonnegative(),
  lowStockThreshold: z.number().int().nonnegative().nullable(),
  active: z.boolean(),
  /*
   * Since stores (issue 17). Absent only in events written before them; products' migration to
   * stores published every product again with them.
   */
  /** The store that sells the product. */
  storeId: z.uuid().optional(),
  /** The gas brand (Ultragaz, Liquigás, Supergasbras, Nacional Gás, Copagaz…), as the store names it. */
  brand: z.string().optional(),
  saleType: saleTypeSchema.optional(),
});

const product = { topic: PRODUCT_TOPIC, version: 1, producer: 'products', key: 'productId' } as const;
/** Stock events answer an order: they share its key so they stay in order with it. */
const stock = { topic: PRODUCT_TOPIC, version: 1, producer: 'products', key: 'orderId' } as const;

export const ProductEvents = {
  created: defineEvent({ ...product, type: 'product.created', data: productSnapshot }),
  updated: defineEvent({ ...product, type: 'product.updated', data: productSnapshot.extend({ changed: z.array(z.string()) }) }),
  deleted: defineEvent({
    ...product,
    type: 'product.deleted',
    data: z.object({ productId: z.uuid(), supplierId: z.uuid(), storeId: z.uuid().optional() }),
  }),
  inventoryUpdated: defineEvent({
    ...product,
    type: 'inventory.updated',
    data: z.object({
      productId: z.uuid(),
      supplierId: z.uuid(),
      storeId: z.uuid().optional(),
      previousQuantity: z.number().int().nonnegative(),
      stockQuantity: z.number().int().nonnegative(),
      lowStockThreshold: z.number().int().nonnegative().nullable(),
      /** True when this change took stock from above the threshold to at or below it. */
      crossedLowThreshold: z.boolean(),
    }),
  }),
  stockReserved: defineEvent({
    ...stock,
    type: 'stock.reserved',
    data: z.object({ orderId: z.uuid(), items: z.array(orderLineSchema).min(1) }),
  }),
  stockReservationFailed: defineEvent({
    ...stock,
    type: 'stock.reservation_failed',
    data: z.object({ orderId: z.uuid(), reason: z.string(), productId: z.uuid().nullable() }),
  }),
  stockReleased: defineEvent({
    ...stock,
    type: 'stock.released',
    data: z.object({ orderId: z.uuid(), items: z.array(orderLineSchema).min(1) }),
  }),
} as const;
