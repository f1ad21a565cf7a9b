import { eventConsumer, type ConsumerDefinition, type HandlerContext, type TransactionRunner } from '#kit';
import type { OrdersTransaction } from '../database.js';
import type { Order, OrderStore } from '../orders/order-store.js';
import type { SystemMoves } from '../saga/system-moves.js';
import { PaymentEvents } from '../../../payments/src/events/index.js';
import { ProductEvents } from '../../../products/src/events/index.js';

/**
 * orders' side of the saga: products' stock outcome and payments' money events move orders.
 * Each handler locks its order first, because the two topics are consumed concurrently and
 * "reserved and paid" must be judged on both facts at once; whichever of stock.reserved and
 * payment.processed arrives second confirms. The kit records each event as processed in the
 * same transaction, so a redelivery has no second effect.
 */
export function orderSagaConsumer(
  orders: OrderStore,
  moves: SystemMoves,
  transactions: TransactionRunner<OrdersTransaction>,
): ConsumerDefinition {
  /** Runs `work` on the event's order, locked; events about orders this service never wrote are logged and skipped. */
  const withOrder = async (
    orderId: string,
    context: HandlerContext<OrdersTransaction>,
    work: (order: Order, transaction: OrdersTransaction) => Promise<void>,
  ) => {
    const transaction = context.transaction;
    const order = await orders.lock(transaction, orderId);
    if (order === null) {
      context.logger.warn({ orderId }, 'event about an unknown order skipped');
      return;
    }
    await work(order, transaction);
  };
  const origin = (context: HandlerContext<OrdersTransaction>) => ({ source: 'orders', correlationId: context.envelope.correlationId });

  return eventConsumer({
    name: 'orders.saga',
    transactions,
    handlers: (on) => [
      on(ProductEvents.stockReserved, (data, context) =>
        withOrder(data.orderId, context, async (order, transaction) => {
          // Products releases the stock of a cancelled order when it reads order.cancelled.
          if (order.status === 'CANCELLED') return;
          const reserved = await orders.markStockReserved(transaction, order.id);
          await moves.confirmIfReady(transaction, reserved, origin(context), context.logger);
        }),
      ),
      on(ProductEvents.stockReservationFailed, (data, context) => {
        const { orderId, reason } = data;
        return withOrder(orderId, context, async (order, transaction) => {
          if (order.status === 'CANCELLED') return;
          await moves.move(transaction, order, 'CANCELLED', origin(context), context.logger, {
            reason,
            cancellation: { code: 'STOCK_UNAVAILABLE', reason, cancelledBy: null },
          });
        });
      }),
      on(PaymentEvents.processed, (data, context) =>
        withOrder(data.orderId, context, async (order, transaction) => {
          // Payments refunds a captured payment when it reads order.cancelled.
          if (order.status === 'CANCELLED') return;
          const paid = await orders.markPaid(transaction, order.id);
          await moves.confirmIfReady(transaction, paid, origin(context), context.logger);
        }),
      ),
      on(PaymentEvents.failed, (data, context) => {
        const { orderId, reasonCode, reason, failedAt } = data;
        return withOrder(orderId, context, async (order, transaction) => {
          // The order stays pending: the customer may pay again. A failure after a success is stale news.
          if (order.status !== 'PENDING_PAYMENT' || order.paid) return;
          await orders.recordPaymentFailure(transaction, order.id, { code: reasonCode, reason, failedAt: new Date(failedAt) });
        });
      }),
      on(PaymentEvents.refundProcessed, (data, context) => {
        const { orderId, refundedTotal } = data;
        return withOrder(orderId, context, (order, transaction) => orders.recordRefundedTotal(transaction, order.id, refundedTotal));
      }),
    ],
  });
}
