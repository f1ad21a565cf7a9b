import { randomUUID } from 'node:crypto';
import {
  eventConsumer,
  type ConsumerDefinition,
  type EventData,
  type EventOrigin,
  type HandlerContext,
  type Logger,
  type TransactionRunner,
} from '#kit';
import type { PaymentsTransaction } from '../database.js';
import { isValidAmount } from '../payments/amounts.js';
import { settleEmptiesShortfall } from '../payments/empties-shortfall.js';
import type { PaymentStore } from '../payments/payment-store.js';
import type { Settlement } from '../payments/settlement.js';
import { OrderEvents } from '../../../orders/src/events/index.js';

export const ORDER_EVENTS_CONSUMER = 'payments.orders';

/** Stands for the cash a courier collected: there is no provider charge to name. */
export const CASH_CAPTURE_REFERENCE = 'cash-on-delivery';

export interface OrderEventDependencies {
  payments: PaymentStore;
  settlement: Settlement;
}

type Handler<Definition> = (
  data: EventData<Definition>,
  transaction: PaymentsTransaction,
  origin: EventOrigin,
  logger: Logger,
) => Promise<void>;

/**
 * What payments does about orders, each step in the consumer's transaction
 * (so with its processed marker) and under the payment's row lock. Each is
 * also idempotent by state, so even the same fact sent twice under two event
 * ids has one effect.
 */
export function orderEventHandlers({ payments, settlement }: OrderEventDependencies) {
  const opened: Handler<typeof OrderEvents.created> = async (order, transaction, _origin, logger) => {
    // Orders never send these; an order nobody can pay must not block the partition.
    if (!isValidAmount(order.totalAmount) || !/^[A-Z]{3}$/.test(order.currency)) {
      logger.error(
        { orderId: order.orderId, totalAmount: order.totalAmount, currency: order.currency },
        'order.created with an amount or currency a payment cannot take; no payment opened',
      );
      return;
    }
    const created = await payments.open(transaction, {
      id: randomUUID(),
      orderId: order.orderId,
      customerId: order.customerId,
      supplierId: order.supplierId,
      method: order.paymentMethod,
      amount: order.totalAmount,
      currency: order.currency,
      status: order.paymentMethod === 'CASH_ON_DELIVERY' ? 'AWAITING_DELIVERY' : 'AWAITING_PAYMENT',
    });
    if (created) logger.info({ orderId: order.orderId, method: order.paymentMethod }, 'payment opened');
  };

  const cancelled: Handler<typeof OrderEvents.cancelled> = async (order, transaction, _origin, logger) => {
    const payment = await payments.lock(transaction, { orderId: order.orderId });
    if (payment === null) {
      logger.warn({ orderId: order.orderId }, 'order.cancelled for an order without a payment; nothing to do');
      return;
    }
    if (payment.cancelRequestedAt !== null) return;
    const cancelledAt = new Date(order.cancelledAt);
    switch (payment.status) {
      case 'AWAITING_PAYMENT':
      case 'AWAITING_DELIVERY':
      case 'FAILED':
        await payments.update(transaction, payment.id, { status: 'CANCELLED', cancelRequestedAt: cancelledAt, pixCode: null });
        return;
      case 'PROCESSING':
        // The outcome is unknown or awaited; whoever learns it refunds a capture (Settlement.capture).
        await payments.update(transaction, payment.id, { cancelRequestedAt: cancelledAt });
        return;
      case 'PAID':
      case 'PARTIALLY_REFUNDED': {
        const marked = await payments.update(transaction, payment.id, { cancelRequestedAt: cancelledAt });
        // Reserved here, sent by the recovery job once this transaction has committed.
        const refund = await settlement.reserveCancellationRefund(transaction, marked);
        if (refund !== null)
          logger.info(
            { orderId: order.orderId, refundId: refund.id, amount: refund.amount },
            'automatic refund reserved for a cancelled order',
          );
        return;
      }
      default:
        await payments.update(transaction, payment.id, { cancelRequestedAt: cancelledAt });
    }
  };

  const delivered: Handler<typeof OrderEvents.delivered> = async (order, transaction, origin, logger) => {
    if (order.paymentMethod !== 'CASH_ON_DELIVERY') return;
    const payment = await payments.lock(transaction, { orderId: order.orderId });
    if (payment === null || payment.status !== 'AWAITING_DELIVERY') {
      if (payment?.status !== 'PAID')
        logger.warn(
          { orderId: order.orderId, status: payment?.status ?? null },
          'order.delivered for a payment not awaiting delivery; nothing settled',
        );
      return;
    }
    await settlement.capture(
      transaction,
      payment,
      { providerReference: CASH_CAPTURE_REFERENCE, amount: payment.amount, capturedAt: new Date(order.deliveredAt) },
      origin,
    );
  };

  const emptiesShortfall: Handler<typeof OrderEvents.emptiesShortfall> = async (shortfall, transaction, _origin, logger) => {
    if (shortfall.chargeAmount === 0) return;
    const payment = await payments.lock(transaction, { orderId: shortfall.orderId });
    if (payment === null) {
      logger.warn({ orderId: shortfall.orderId }, 'order.empties_shortfall for an order without a payment; nothing charged');
      return;
    }
    const settled = await settleEmptiesShortfall(transaction, { payments, settlement }, payment, {
      amount: shortfall.chargeAmount,
      currency: shortfall.currency,
      at: new Date(shortfall.at),
    });
    if (settled !== null)
      logger.info(
        { orderId: shortfall.orderId, amount: shortfall.chargeAmount, status: settled.emptiesShortfallStatus },
        'empties shortfall settled on the payment',
      );
  };

  return { opened, cancelled, delivered, emptiesShortfall };
}

export function orderEventsConsumer(
  dependencies: OrderEventDependencies,
  transactions: TransactionRunner<PaymentsTransaction>,
): ConsumerDefinition {
  const handlers = orderEventHandlers(dependencies);
  const adapt =
    <Definition>(handler: Handler<Definition>) =>
    (data: EventData<Definition>, context: HandlerContext<PaymentsTransaction>) =>
      handler(data, context.transaction, { source: 'payments', correlationId: context.envelope.correlationId }, context.logger);
  return eventConsumer({
    name: ORDER_EVENTS_CONSUMER,
    transactions,
    handlers: (on) => [
      on(OrderEvents.created, adapt(handlers.opened)),
      on(OrderEvents.cancelled, adapt(handlers.cancelled)),
      on(OrderEvents.delivered, adapt(handlers.delivered)),
      on(OrderEvents.emptiesShortfall, adapt(handlers.emptiesShortfall)),
    ],
  });
}
