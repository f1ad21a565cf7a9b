import { eventConsumer, type ConsumerDefinition, type HandlerContext, type TransactionRunner } from '#kit';
import type { OrdersTransaction } from '../database.js';
import type { OrderStore } from '../orders/order-store.js';
import type { SystemMoves } from '../saga/system-moves.js';
import { CourierEvents } from '../../../couriers/src/events/index.js';

/**
 * The assigned courier moves the order along: pickup → IN_TRANSIT (order.in_transit), the
 * customer's code at the door → DELIVERED (order.delivered, on which payments settles cash on
 * delivery). Both go through the transition table as the delivery process, with the courier
 * recorded as the actor and named in the events.
 */
export function deliveryProgressConsumer(
  orders: OrderStore,
  moves: SystemMoves,
  transactions: TransactionRunner<OrdersTransaction>,
): ConsumerDefinition {
  const moveTo = async (orderId: string, courierId: string, to: 'IN_TRANSIT' | 'DELIVERED', context: HandlerContext<OrdersTransaction>) => {
    const transaction = context.transaction;
    const order = await orders.lock(transaction, orderId);
    if (order === null) {
      context.logger.warn({ orderId }, 'delivery event about an unknown order skipped');
      return;
    }
    if (order.status === to) return;
    const origin = { source: 'orders', correlationId: context.envelope.correlationId };
    await moves.move(transaction, order, to, origin, context.logger, { reason: null, courierId });
  };
  return eventConsumer({
    name: 'orders.deliveries',
    transactions,
    handlers: (on) => [
      on(CourierEvents.pickedUp, async (data, context) => {
        const { orderId, courierId } = data;
        await moveTo(orderId, courierId, 'IN_TRANSIT', context);
      }),
      on(CourierEvents.deliveryCompleted, async (data, context) => {
        const { orderId, courierId } = data;
        await moveTo(orderId, courierId, 'DELIVERED', context);
      }),
    ],
  });
}
