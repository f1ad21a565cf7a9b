import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { createEnvelope, defineEvent } from '#kit';

// Contracts of the shape domains declare, for the kit's own tests: the kit knows no domain's events.
export const USER_TOPIC = 'user.events';
export const ORDER_TOPIC = 'order.events';
export const UserEvents = {
  deleted: defineEvent({
    type: 'user.deleted',
    topic: USER_TOPIC,
    version: 1,
    producer: 'accounts',
    key: 'userId',
    data: z.object({ userId: z.uuid(), roles: z.array(z.string()) }),
  }),
};
const order = { topic: ORDER_TOPIC, version: 1, producer: 'orders', key: 'orderId' } as const;
export const OrderEvents = {
  created: defineEvent({
    ...order,
    type: 'order.created',
    data: z.object({ orderId: z.uuid(), createdAt: z.iso.datetime({ offset: true }) }),
  }),
  cancelled: defineEvent({
    ...order,
    type: 'order.cancelled',
    data: z.object({
      orderId: z.uuid(),
      reasonCode: z.enum(['CUSTOMER_REQUEST', 'SUPPLIER_REQUEST', 'ADMIN_REQUEST', 'STOCK_UNAVAILABLE', 'PAYMENT_EXPIRED']),
      items: z.array(z.object({ productId: z.uuid() })),
      cancelledAt: z.iso.datetime({ offset: true }),
    }),
  }),
};

/** A valid `user.deleted` envelope of the example contract. */
export const userDeletedEnvelope = (userId: string = randomUUID()) =>
  createEnvelope({
    type: UserEvents.deleted.type,
    source: 'accounts',
    subject: userId,
    schemaVersion: 1,
    correlationId: 'c',
    data: { userId, roles: ['SUPPLIER'] },
  });
