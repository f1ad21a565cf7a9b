import { Events, Topic, type ConsumerDefinition, type EventData, type TransactionRunner } from '#kit';
import type { OrdersTransaction } from '../database.js';
import type { CourierViewStore } from './courier-view-store.js';

/**
 * Orders learns which courier was offered or carries an order from couriers' events, never from
 * couriers' tables: courier.offered opens the offered courier's view of the order until the
 * offer's deadline, courier.assigned opens the assigned courier's view until the delivery ends.
 */
export function courierViewConsumer(views: CourierViewStore, transactions: TransactionRunner<OrdersTransaction>): ConsumerDefinition {
  return {
    name: 'orders.courier-views',
    topics: [Topic.ORDER],
    transactions,
    handlers: {
      [Events.courierOffered.type]: async (data, { transaction }) => {
        const { orderId, courierId, offerId, expiresAt } = data as EventData<typeof Events.courierOffered>;
        await views.recordOffer(transaction as OrdersTransaction, { orderId, courierId, offerId, offeredUntil: new Date(expiresAt) });
      },
      [Events.courierAssigned.type]: async (data, { transaction }) => {
        const { orderId, courierId, offerId, assignedAt } = data as EventData<typeof Events.courierAssigned>;
        await views.recordAssignment(transaction as OrdersTransaction, { orderId, courierId, offerId, at: new Date(assignedAt) });
      },
    },
  };
}

/** The first word of a display name: all the courier needs to ask for the customer at the door. */
export const firstNameOf = (name: string): string => name.trim().split(/\s+/u)[0] ?? '';

/**
 * Keeps customers' first names from accounts' user events (user.created, user.updated), for the
 * assigned courier; a deleted user's name goes with user.deleted.
 */
export function customerNameConsumer(views: CourierViewStore, transactions: TransactionRunner<OrdersTransaction>): ConsumerDefinition {
  const save = async (data: EventData<typeof Events.userCreated>, transaction: OrdersTransaction, at: string) => {
    const firstName = firstNameOf(data.name);
    if (!data.roles.includes('CUSTOMER') || firstName === '') return;
    await views.saveFirstName(transaction, data.userId, firstName, new Date(at));
  };
  return {
    name: 'orders.customer-names',
    topics: [Topic.USER],
    transactions,
    handlers: {
      [Events.userCreated.type]: (data, context) => save(data as EventData<typeof Events.userCreated>, context.transaction as OrdersTransaction, context.envelope.time),
      [Events.userUpdated.type]: (data, context) => save(data as EventData<typeof Events.userUpdated>, context.transaction as OrdersTransaction, context.envelope.time),
      [Events.userDeleted.type]: async (data, { transaction }) => {
        await views.forgetFirstName(transaction as OrdersTransaction, (data as EventData<typeof Events.userDeleted>).userId);
      },
    },
  };
}
