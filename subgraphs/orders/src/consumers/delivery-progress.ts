import { eventConsumer, pendingEvent, recordEvents, type ConsumerDefinition, type HandlerContext, type TransactionRunner } from '#kit';
import { cylinderTypeSchema, OrderEvents } from '../events/index.js';
import { settleEmpties } from '../orders/empties.js';
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
  /**
   * The empties the courier brought back: recorded per troca line, and a shortfall charged as the
   * order said at placement (order.empties_shortfall, which payments collects). Once per order:
   * a repeated delivery.completed finds the empties recorded and changes nothing.
   */
  const recordEmpties = async (
    orderId: string,
    courierId: string,
    collected: ReadonlyArray<{ cylinderType: string; quantity: number }>,
    context: HandlerContext<OrdersTransaction>,
  ) => {
    const order = await orders.lock(context.transaction, orderId);
    if (order === null || order.emptiesShortfallAmount !== null) return;
    const settled = settleEmpties(order, collected);
    const after = await orders.recordEmpties(context.transaction, order.id, {
      collectedByProduct: settled.collectedByProduct,
      shortfallAmount: settled.shortfallAmount,
    });
    if (settled.shortfall.length === 0) return;
    const origin = { source: 'orders', correlationId: context.envelope.correlationId };
    await recordEvents(context.transaction, [
      pendingEvent(OrderEvents.emptiesShortfall, origin, after.id, {
        orderId: after.id,
        customerId: after.customerId,
        supplierId: after.supplierId,
        courierId,
        paymentMethod: after.paymentMethod,
        lines: settled.shortfall.map((line) => ({ ...line, cylinderType: cylinderTypeSchema.parse(line.cylinderType) })),
        chargeAmount: settled.shortfallAmount,
        currency: after.currency,
        at: new Date().toISOString(),
      }),
    ]);
    context.logger.info({ orderId, chargeAmount: settled.shortfallAmount }, 'empties short at delivery: charge published');
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
        const { orderId, courierId, emptiesCollected } = data;
        await moveTo(orderId, courierId, 'DELIVERED', context);
        if (emptiesCollected !== undefined) await recordEmpties(orderId, courierId, emptiesCollected, context);
      }),
    ],
  });
}
