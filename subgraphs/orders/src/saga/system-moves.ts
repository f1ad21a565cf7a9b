import type { EventOrigin, Logger } from '#kit';
import type { OrdersTransaction, OrderStatus } from '../database.js';
import { statusEvents } from '../orders/order-events.js';
import type { Order, OrderStore, StatusMove } from '../orders/order-store.js';
import { checkTransition } from '../orders/order-transitions.js';
import type { StoreViewStore } from '../stores/store-view-store.js';

export interface SystemMoves {
  /** Moves a locked order as the saga, if the transition table lets SYSTEM do it from its status. */
  move(
    transaction: OrdersTransaction,
    order: Order,
    to: OrderStatus,
    origin: EventOrigin,
    logger: Logger,
    details?: Pick<StatusMove, 'reason' | 'cancellation' | 'acceptWithinMinutes' | 'acceptedBy'> & { courierId?: string },
  ): Promise<Order | null>;
  /**
   * Once products reserved a pending order's stock and its payment is settled (or is cash,
   * collected at the door), hands it to its store: AWAITING_ACCEPTANCE until `acceptBy`, or
   * CONFIRMED at once when the store auto-accepts (and for orders placed before stores).
   */
  confirmIfReady(transaction: OrdersTransaction, order: Order, origin: EventOrigin, logger: Logger): Promise<Order>;
}

/** The moves the saga and the payment timeout make, under the same table as people's. */
export function systemMoves(orders: OrderStore, stores: StoreViewStore, acceptanceTimeoutMinutes: number): SystemMoves {
  const move: SystemMoves['move'] = async (transaction, order, to, origin, logger, details = { reason: null }) => {
    const check = checkTransition(order.status, to, ['SYSTEM']);
    if (!check.allowed) {
      logger.warn({ orderId: order.id, status: order.status, requested: to }, `the saga cannot move this order: ${check.message}`);
      return null;
    }
    const { courierId = null, ...change } = details;
    // A courier's pickup or delivery is recorded as theirs, though it reaches orders as an event.
    const moved = await orders.move(
      transaction,
      order,
      { to, actorId: courierId, actorRole: 'SYSTEM', ...change },
      statusEvents(origin, courierId),
    );
    if (moved !== null) logger.info({ orderId: order.id, from: order.status, to }, 'order moved by the saga');
    return moved;
  };
  return {
    move,
    async confirmIfReady(transaction, order, origin, logger) {
      const settled = order.paid || order.paymentMethod === 'CASH_ON_DELIVERY';
      if (order.status !== 'PENDING_PAYMENT' || !order.stockReserved || !settled) return order;
      if (order.storeId === null) return (await move(transaction, order, 'CONFIRMED', origin, logger)) ?? order;
      // The store's choice as it is now: an owner who turned auto-accept off gets to answer.
      const store = await stores.find(order.storeId);
      if (store?.autoAccept === true)
        return (
          (await move(transaction, order, 'CONFIRMED', origin, logger, {
            reason: 'Accepted automatically by the store.',
            acceptedBy: null,
          })) ?? order
        );
      return (
        (await move(transaction, order, 'AWAITING_ACCEPTANCE', origin, logger, {
          reason: null,
          acceptWithinMinutes: acceptanceTimeoutMinutes,
        })) ?? order
      );
    },
  };
}
