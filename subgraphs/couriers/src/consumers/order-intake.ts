import { eventConsumer, type ConsumerDefinition, type HandlerContext, type TransactionRunner } from '#kit';
import type { CouriersTransaction } from '../profiles/profile-store.js';
import type { Assignment } from '../delivery/assignment.js';
import type { CylinderLoad, DeliveryStore } from '../delivery/delivery-store.js';
import { OrderEvents } from '../../../orders/src/events/index.js';

/**
 * A confirmed order becomes a delivery (from the store, when it names one) and is offered at once to the best-placed courier; a
 * cancelled one stops being offered or carried, and one an admin marked delivered ends. The kit records each event as processed in
 * the same transaction, so a redelivered order.confirmed makes no second offer.
 */
export function orderIntakeConsumer(
  deliveries: DeliveryStore,
  offers: Assignment,
  transactions: TransactionRunner<CouriersTransaction>,
): ConsumerDefinition {
  const origin = (context: HandlerContext<CouriersTransaction>) => ({ source: 'couriers', correlationId: context.envelope.correlationId });
  return eventConsumer({
    name: 'couriers.assignments',
    transactions,
    handlers: (on) => [
      on(OrderEvents.confirmed, async (data, context) => {
        const { orderId, customerId, supplierId, cylinderCount, deliveryLocation, pickup, cylinders, promisedBy, confirmedAt } = data;
        const transaction = context.transaction;
        const created = await deliveries.createDelivery(transaction, {
          orderId,
          customerId,
          supplierId,
          cylinderCount,
          location: deliveryLocation,
          pickup: pickup ?? null,
          // Orders confirmed before stores counted cylinders without a class: household P13s.
          cylinders: loadsOf(cylinders ?? [{ cylinderType: 'P13', quantity: cylinderCount, emptiesToCollect: 0 }]),
          promisedBy: promisedBy === undefined ? null : new Date(promisedBy),
          // The search is timed from the moment it starts here, not from the confirmation, so a
          // consumer that was down does not give up on orders it never tried.
          searchStartedAt: new Date(Math.max(Date.now(), new Date(confirmedAt).getTime())),
        });
        if (!created) return;
        const delivery = await deliveries.lockDelivery(transaction, orderId);
        if (delivery !== null) await offers.offerNext(transaction, delivery, origin(context), context.logger);
      }),
      on(OrderEvents.cancelled, async (data, context) => {
        const { orderId } = data;
        const transaction = context.transaction;
        const delivery = await deliveries.lockDelivery(transaction, orderId);
        if (delivery === null || !['SEARCHING', 'ASSIGNED'].includes(delivery.status)) return;
        await deliveries.withdrawOffers(transaction, orderId);
        await deliveries.moveDelivery(transaction, orderId, delivery.status, { status: 'CANCELLED' }, []);
        context.logger.info({ orderId }, 'delivery of a cancelled order stopped');
      }),
      // An admin resolved the handover in orders (the courier's code was locked or could not be
      // given). The courier's own code already ended the delivery; anything else ends it here,
      // so the courier is free for the next order and stops seeing the customer's address.
      on(OrderEvents.delivered, async (data, context) => {
        const { orderId, deliveredAt } = data;
        const transaction = context.transaction;
        const delivery = await deliveries.lockDelivery(transaction, orderId);
        if (delivery === null || !['SEARCHING', 'ASSIGNED', 'PICKED_UP'].includes(delivery.status)) return;
        await deliveries.withdrawOffers(transaction, orderId);
        await deliveries.moveDelivery(
          transaction,
          orderId,
          delivery.status,
          { status: 'DELIVERED', deliveredAt: new Date(deliveredAt) },
          [],
        );
        context.logger.info({ orderId, from: delivery.status }, 'delivery ended by an admin in orders');
      }),
    ],
  });
}

/** One load per class (an order may list a class on several lines), dropping classes with nothing to carry or collect. */
function loadsOf(cylinders: ReadonlyArray<CylinderLoad>): CylinderLoad[] {
  const byClass = new Map<CylinderLoad['cylinderType'], CylinderLoad>();
  for (const { cylinderType, quantity, emptiesToCollect } of cylinders) {
    const sum = byClass.get(cylinderType) ?? { cylinderType, quantity: 0, emptiesToCollect: 0 };
    byClass.set(cylinderType, {
      cylinderType,
      quantity: sum.quantity + quantity,
      emptiesToCollect: sum.emptiesToCollect + emptiesToCollect,
    });
  }
  return [...byClass.values()].filter((load) => load.quantity > 0 || load.emptiesToCollect > 0);
}
