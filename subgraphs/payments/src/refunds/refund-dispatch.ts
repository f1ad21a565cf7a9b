import type { EventOrigin, Logger } from '#kit';
import type { PaymentsDatabase } from '../database.js';
import type { PaymentStore } from '../payments/payment-store.js';
import type { Settlement } from '../payments/settlement.js';
import { withDeadline } from '../provider/deadline.js';
import type { PaymentProvider, RefundResult } from '../provider/payment-provider.js';
import type { Refund, RefundStore } from './refund-store.js';

export interface RefundDispatchDependencies {
  database: PaymentsDatabase;
  payments: PaymentStore;
  refunds: RefundStore;
  settlement: Settlement;
  provider: PaymentProvider;
  attemptTimeoutMs: number;
  logger: Logger;
}

/**
 * Sends a reserved (PENDING) refund to the provider and records the answer.
 * Safe to repeat and to run from several places at once: the refund's id is
 * the provider's idempotency reference, so the money moves once, and the
 * answer is recorded only while the refund is still PENDING. Without an
 * answer the refund stays PENDING, its amount still reserved, and the
 * recovery job sends it again.
 */
export class RefundDispatcher {
  constructor(private readonly dependencies: RefundDispatchDependencies) {}

  async dispatch(refundId: string, origin: EventOrigin): Promise<Refund | null> {
    const { database, payments, refunds, settlement, provider, attemptTimeoutMs, logger } = this.dependencies;
    const refund = await refunds.findById(refundId);
    if (refund === null || refund.status !== 'PENDING') return refund;
    const payment = await payments.findById(refund.paymentId);
    if (payment === null) return refund;
    let result: RefundResult;
    if (payment.method === 'CASH_ON_DELIVERY') {
      // Cash went back hand to hand; there is no provider to ask.
      result = { status: 'REFUNDED', providerReference: `cash-refund-${refund.id}`, refundedAt: new Date() };
    } else {
      try {
        result = await withDeadline(
          provider.refund({
            reference: refund.id,
            paymentId: payment.id,
            chargeReference: payment.providerReference ?? '',
            amount: refund.amount,
            currency: refund.currency,
          }),
          attemptTimeoutMs,
          'refund',
        );
      } catch (error) {
        logger.warn(
          { err: error, refundId, paymentId: payment.id },
          'the provider gave no answer to a refund; the recovery job sends it again',
        );
        return refund;
      }
    }
    return database.$transaction(async (transaction) => {
      const locked = await payments.lock(transaction, { id: payment.id });
      if (result.status === 'REFUNDED') await settlement.completeRefund(transaction, locked!, refund, result, origin);
      else {
        logger.error({ refundId, paymentId: payment.id, reason: result.reason }, 'the provider refused a refund');
        await settlement.refuseRefund(transaction, refund, result.reason);
      }
      return transaction.refund.findUnique({ where: { id: refundId } });
    });
  }
}
