import { z } from 'zod';
import { defineEvent, eventRegistry, type EventDefinition } from '#kit';

/**
 * STOPGAP until subscriptions are declared by their subgraphs (issue 16, item 3): the few event
 * types, topics and payload fields the gateway's subscription registry reads. The producers'
 * contracts (subgraphs/<name>/src/events/) are the truth; the gateway may not import them, so it
 * checks only the fields it reads (other fields pass through untouched). Delete with the registry.
 */
export const PRODUCT_TOPIC = 'product.events';
const ORDER_TOPIC = 'order.events';
const PAYMENT_TOPIC = 'payment.events';
const NOTIFICATION_TOPIC = 'notification.events';
const ALERT_TOPIC = 'alert.events';

const read = <Shape extends z.ZodRawShape>(type: string, topic: string, shape: Shape, version = 1) =>
  defineEvent({ type, topic, version, producer: 'gateway stopgap', key: '', data: z.looseObject(shape) });

const orderParties = { orderId: z.uuid(), customerId: z.uuid(), supplierId: z.uuid() };
const payment = { paymentId: z.uuid(), orderId: z.uuid(), customerId: z.uuid() };
const alert = { alertId: z.uuid() };

export const SubscribedEvents = {
  productUpdated: read('product.updated', PRODUCT_TOPIC, { productId: z.uuid() }),
  inventoryUpdated: read('inventory.updated', PRODUCT_TOPIC, { productId: z.uuid(), supplierId: z.uuid(), crossedLowThreshold: z.boolean() }),
  orderCreated: read('order.created', ORDER_TOPIC, orderParties),
  orderConfirmed: read('order.confirmed', ORDER_TOPIC, orderParties),
  orderInTransit: read('order.in_transit', ORDER_TOPIC, orderParties),
  orderDelivered: read('order.delivered', ORDER_TOPIC, orderParties),
  orderCancelled: read('order.cancelled', ORDER_TOPIC, orderParties),
  paymentProcessed: read('payment.processed', PAYMENT_TOPIC, payment),
  paymentFailed: read('payment.failed', PAYMENT_TOPIC, payment),
  refundProcessed: read('refund.processed', PAYMENT_TOPIC, payment),
  courierLocationUpdated: read('courier.location.updated', ORDER_TOPIC, orderParties),
  notificationSent: read('notification.sent', NOTIFICATION_TOPIC, { notificationId: z.uuid(), userId: z.uuid(), channel: z.string() }),
  alertTriggered: read('alert.triggered', ALERT_TOPIC, alert),
  alertEscalated: read('alert.escalated', ALERT_TOPIC, alert),
  alertAcknowledged: read('alert.acknowledged', ALERT_TOPIC, alert),
  alertResolved: read('alert.resolved', ALERT_TOPIC, alert),
} as const;

const subscribed = eventRegistry([SubscribedEvents]);

/** The definition the fanout checks an event's data against, for the types the registry reads. */
export function subscribedEventDefinition(type: string): EventDefinition | undefined {
  return subscribed.definition(type);
}

/** The topics the subscriptions read: the gateway process makes them exist, as every reader of a topic does. */
export const subscribedTopics: readonly string[] = subscribed.topics;
