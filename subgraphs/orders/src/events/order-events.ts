import { z } from 'zod';
import { defineEvent, eventTime } from '#kit';

/** orders' topic; couriers publishes its delivery events on it too, keyed by the same order. */
export const ORDER_TOPIC = 'order.events';

/** Integer minor units (centavos); never a float. */
export const moneySchema = z.number().int().nonnegative();
export const currencySchema = z.string().length(3);
export const paymentMethodSchema = z.enum(['PIX', 'CARD', 'CASH_ON_DELIVERY']);
export const orderLineSchema = z.object({ productId: z.uuid(), quantity: z.number().int().positive() });
/** Who an order concerns: every order event says it, so consumers and subscriptions can route it. */
export const orderPartiesSchema = z.object({ orderId: z.uuid(), customerId: z.uuid(), supplierId: z.uuid() });

const location = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });
const orderStatus = z.enum(['PENDING_PAYMENT', 'AWAITING_ACCEPTANCE', 'CONFIRMED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED']);
export const cylinderTypeSchema = z.enum(['P2', 'P5', 'P8', 'P13', 'P20', 'P45', 'P90']);
export const cancellationCodeSchema = z.enum([
  'CUSTOMER_REQUEST',
  'SUPPLIER_REQUEST',
  'ADMIN_REQUEST',
  'STOCK_UNAVAILABLE',
  'PAYMENT_EXPIRED',
  /** The store refused the order (rejectOrder). */
  'STORE_REJECTED',
  /** The store did not accept or refuse within ORDERS_ACCEPTANCE_TIMEOUT_MINUTES. */
  'STORE_DID_NOT_ANSWER',
]);
/**
 * Where the courier picks the order up: the store, with its public address. Added with stores
 * (issue 17); absent in events written before them, when the courier was matched to the customer only.
 */
export const pickupSchema = z.object({
  storeId: z.uuid(),
  storeName: z.string(),
  street: z.string(),
  number: z.string(),
  district: z.string(),
  city: z.string(),
  state: z.string().length(2),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
});
/** Cylinders of one class on an order: what a courier's vehicle must be allowed and able to carry, and the empties to collect for troca. */
export const cylinderLoadSchema = z.object({
  cylinderType: cylinderTypeSchema,
  /** Full cylinders to carry to the customer. */
  quantity: z.number().int().nonnegative(),
  /** Empties of this class to collect at the door (troca lines); they ride back. */
  emptiesToCollect: z.number().int().nonnegative(),
});
const order = { topic: ORDER_TOPIC, version: 1, producer: 'orders', key: 'orderId' } as const;

export const OrderEvents = {
  created: defineEvent({
    ...order,
    type: 'order.created',
    data: orderPartiesSchema.extend({
      items: z.array(orderLineSchema.extend({ unitPriceAmount: moneySchema, lineTotalAmount: moneySchema })).min(1),
      subtotalAmount: moneySchema,
      deliveryFeeAmount: moneySchema,
      totalAmount: moneySchema,
      currency: currencySchema,
      paymentMethod: paymentMethodSchema,
      deliveryLocation: location,
      /** Since stores (issue 17): the store the order was placed with. */
      storeId: z.uuid().optional(),
      createdAt: eventTime,
    }),
  }),
  /** Paid (cash: stock reserved), and the store has to accept or refuse it by `acceptBy`. */
  awaitingAcceptance: defineEvent({
    ...order,
    type: 'order.awaiting_acceptance',
    data: orderPartiesSchema.extend({
      storeId: z.uuid(),
      totalAmount: moneySchema,
      currency: currencySchema,
      paymentMethod: paymentMethodSchema,
      cylinders: z.array(cylinderLoadSchema),
      acceptBy: eventTime,
      at: eventTime,
    }),
  }),
  /** The store took the order (or it was accepted automatically); order.confirmed follows in the same transaction. */
  accepted: defineEvent({
    ...order,
    type: 'order.accepted',
    data: orderPartiesSchema.extend({
      storeId: z.uuid(),
      /** The supplier or admin who accepted; null when the store accepts automatically. */
      acceptedBy: z.uuid().nullable(),
      /** The time the customer was promised the delivery by. */
      promisedBy: eventTime,
      at: eventTime,
    }),
  }),
  /** The store refused the order; order.cancelled (STORE_REJECTED) follows in the same transaction. */
  rejected: defineEvent({
    ...order,
    type: 'order.rejected',
    data: orderPartiesSchema.extend({
      storeId: z.uuid(),
      rejectedBy: z.uuid(),
      reason: z.string(),
      /** The products the store named as out of stock: products takes them off sale (stock 0). */
      outOfStockProductIds: z.array(z.uuid()),
      at: eventTime,
    }),
  }),
  confirmed: defineEvent({
    ...order,
    type: 'order.confirmed',
    data: orderPartiesSchema.extend({
      totalAmount: moneySchema,
      currency: currencySchema,
      paymentMethod: paymentMethodSchema,
      /** Cylinders to carry, for matching a courier's capacity. */
      cylinderCount: z.number().int().positive(),
      deliveryLocation: location,
      /** Since stores (issue 17): where the courier picks the order up. */
      pickup: pickupSchema.optional(),
      /** Since stores (issue 17): the cylinders by class, with the empties to collect. */
      cylinders: z.array(cylinderLoadSchema).optional(),
      /** Since stores (issue 17): when the customer was promised the delivery. */
      promisedBy: eventTime.optional(),
      confirmedAt: eventTime,
    }),
  }),
  inTransit: defineEvent({
    ...order,
    type: 'order.in_transit',
    data: orderPartiesSchema.extend({ courierId: z.uuid().nullable(), at: eventTime }),
  }),
  delivered: defineEvent({
    ...order,
    type: 'order.delivered',
    data: orderPartiesSchema.extend({
      courierId: z.uuid().nullable(),
      paymentMethod: paymentMethodSchema,
      totalAmount: moneySchema,
      currency: currencySchema,
      deliveredAt: eventTime,
    }),
  }),
  cancelled: defineEvent({
    ...order,
    type: 'order.cancelled',
    data: orderPartiesSchema.extend({
      previousStatus: orderStatus,
      reasonCode: cancellationCodeSchema,
      reason: z.string(),
      /** Who cancelled; null when the saga did (stock unavailable, payment expired). */
      cancelledBy: z.uuid().nullable(),
      items: z.array(orderLineSchema),
      cancelledAt: eventTime,
    }),
  }),
  /**
   * The courier collected fewer empties than the troca lines asked for: the missing ones are charged
   * as the order said when it was placed (OrderItem.emptyShortfallUnitPrice), and payments collects it.
   */
  emptiesShortfall: defineEvent({
    ...order,
    type: 'order.empties_shortfall',
    data: orderPartiesSchema.extend({
      courierId: z.uuid().nullable(),
      paymentMethod: paymentMethodSchema,
      lines: z.array(
        z.object({
          productId: z.uuid(),
          cylinderType: cylinderTypeSchema,
          expected: z.number().int().positive(),
          collected: z.number().int().nonnegative(),
          unitAmount: moneySchema,
        }),
      ),
      /** Sum over the lines of (expected − collected) × unitAmount. */
      chargeAmount: moneySchema,
      currency: currencySchema,
      at: eventTime,
    }),
  }),
} as const;

/** Customers' saved addresses, keyed by the address: only what a search near it needs travels (no street, no notes). */
export const ADDRESS_TOPIC = 'address.events';
const address = { topic: ADDRESS_TOPIC, version: 1, producer: 'orders', key: 'addressId' } as const;

export const AddressEvents = {
  saved: defineEvent({
    ...address,
    type: 'address.saved',
    data: z.object({
      addressId: z.uuid(),
      userId: z.uuid(),
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      savedAt: eventTime,
    }),
  }),
  deleted: defineEvent({
    ...address,
    type: 'address.deleted',
    data: z.object({ addressId: z.uuid(), userId: z.uuid(), deletedAt: eventTime }),
  }),
} as const;
