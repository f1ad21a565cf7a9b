import { pendingEvent, type EventOrigin, type PendingEvent } from '#kit';
import type { PaymentFailureCode } from '../database.js';
import type { Refund } from '../refunds/refund-store.js';
import type { Payment } from './payment-store.js';
import { PaymentEvents } from '../events/index.js';

// Every money event of one order is keyed by the order, so consumers see them in order.

export function paymentProcessedEvent(origin: EventOrigin, payment: Payment): PendingEvent {
  return pendingEvent(PaymentEvents.processed, origin, payment.orderId, {
    paymentId: payment.id,
    orderId: payment.orderId,
    customerId: payment.customerId,
    supplierId: payment.supplierId,
    amount: payment.capturedAmount,
    currency: payment.currency,
    method: payment.method,
    providerReference: payment.providerReference ?? '',
    capturedAt: (payment.capturedAt ?? new Date()).toISOString(),
  });
}

export function paymentFailedEvent(
  origin: EventOrigin,
  payment: Payment,
  code: PaymentFailureCode,
  reason: string,
  failedAt: Date,
): PendingEvent {
  return pendingEvent(PaymentEvents.failed, origin, payment.orderId, {
    paymentId: payment.id,
    orderId: payment.orderId,
    customerId: payment.customerId,
    method: payment.method,
    reasonCode: code,
    reason,
    failedAt: failedAt.toISOString(),
  });
}

/** `payment` as it is after the refund. */
export function refundProcessedEvent(origin: EventOrigin, payment: Payment, refund: Refund): PendingEvent {
  return pendingEvent(PaymentEvents.refundProcessed, origin, payment.orderId, {
    refundId: refund.id,
    paymentId: payment.id,
    orderId: payment.orderId,
    customerId: payment.customerId,
    amount: refund.amount,
    currency: refund.currency,
    refundedTotal: payment.refundedAmount,
    capturedAmount: payment.capturedAmount,
    reason: refund.reason,
    initiatedBy: refund.initiatedBy,
    processedAt: (refund.processedAt ?? new Date()).toISOString(),
  });
}
