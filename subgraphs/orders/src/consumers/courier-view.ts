import { eventConsumer, type ConsumerDefinition, type EventData, type TransactionRunner } from '#kit';
import type { OrdersTransaction } from '../database.js';
import type { CourierViewStore } from '../couriers/courier-view-store.js';
import { UserEvents } from '../../../accounts/src/events/index.js';
import { CourierEvents } from '../../../couriers/src/events/index.js';

/**
 * Orders learns which courier was offered or carries an order from couriers' events, never from
 * couriers' tables: courier.offered opens the offered courier's view of the order until the
 * offer's deadline, courier.assigned opens the assigned courier's view until the delivery ends.
 */
export function courierViewConsumer(views: CourierViewStore, transactions: TransactionRunner<OrdersTransaction>): ConsumerDefinition {
  return eventConsumer({
    name: 'orders.courier-views',
    transactions,
    handlers: (on) => [
      on(CourierEvents.offered, async (data, { transaction }) => {
        const { orderId, courierId, offerId, expiresAt } = data;
        await views.recordOffer(transaction, { orderId, courierId, offerId, offeredUntil: new Date(expiresAt) });
      }),
      on(CourierEvents.assigned, async (data, { transaction }) => {
        const { orderId, courierId, offerId, assignedAt } = data;
        await views.recordAssignment(transaction, { orderId, courierId, offerId, at: new Date(assignedAt) });
      }),
    ],
  });
}

/** The first word of a display name: all the courier needs to ask for the customer at the door. */
export const firstNameOf = (name: string): string => name.trim().split(/\s+/u)[0] ?? '';

/**
 * Keeps customers' first names from accounts' user events (user.created, user.updated), for the
 * assigned courier; a deleted user's name goes with user.deleted.
 */
export function customerNameConsumer(views: CourierViewStore, transactions: TransactionRunner<OrdersTransaction>): ConsumerDefinition {
  const save = async (data: EventData<typeof UserEvents.created>, transaction: OrdersTransaction, at: string) => {
    const firstName = firstNameOf(data.name);
    if (!data.roles.includes('CUSTOMER') || firstName === '') return;
    await views.saveFirstName(transaction, data.userId, firstName, new Date(at));
  };
  return eventConsumer({
    name: 'orders.customer-names',
    transactions,
    handlers: (on) => [
      on(UserEvents.created, (data, context) => save(data, context.transaction, context.envelope.time)),
      on(UserEvents.updated, (data, context) => save(data, context.transaction, context.envelope.time)),
      on(UserEvents.deleted, async (data, { transaction }) => {
        await views.forgetFirstName(transaction, data.userId);
      }),
    ],
  });
}
