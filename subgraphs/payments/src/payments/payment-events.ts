import { Events, pendingEvent, type EventOrigin, type PendingEvent } from '#kit';
import type { PaymentFailureCode } from '../database.js';
import type { Refund } from '../refunds/refund-store.js';
import type { Payment } from './payment-store.js';

// Every money event of one order is keyed by the order, so consumers see them in order.

export function paymentProcessedEvent(origin: EventOrigin, payment: Payment): PendingEvent {
  return pendingEvent(Events.paymentProcessed, origin, payment.orderId, {
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

export function paymentFailedEvent(origin: EventOrigin, payment: Payment, code: PaymentFailureCode, reason: string, failedAt: Date): PendingEvent {
  return pendingEvent(Events.paymentFailed, origin, payment.orderId, {
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
  return pendingEvent(Events.refundProcessed, origin, payment.orderId, {
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
