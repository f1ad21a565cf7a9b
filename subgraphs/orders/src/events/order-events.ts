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
const orderStatus = z.enum(['PENDING_PAYMENT', 'CONFIRMED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED']);
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
      createdAt: eventTime,
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
      reasonCode: z.enum(['CUSTOMER_REQUEST', 'SUPPLIER_REQUEST', 'ADMIN_REQUEST', 'STOCK_UNAVAILABLE', 'PAYMENT_EXPIRED']),
      reason: z.string(),
      /** Who cancelled; null when the saga did (stock unavailable, payment expired). */
      cancelledBy: z.uuid().nullable(),
      items: z.array(orderLineSchema),
      cancelledAt: eventTime,
    }),
  }),
} as const;
