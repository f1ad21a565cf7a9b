import type { EventOrigin, Logger } from '#kit';
import type { PaymentsDatabase } from '../database.js';
import { withDeadline } from '../provider/deadline.js';
import type { ChargeLookup, PaymentProvider } from '../provider/payment-provider.js';
import type { RefundDispatcher } from '../refunds/refund-dispatch.js';
import { UNRESOLVED, type AttemptStore } from './attempt-store.js';
import type { ChargeOutcomes } from './charge-outcome.js';
import type { PaymentStore } from './payment-store.js';

export interface AttemptResolutionDependencies {
  database: PaymentsDatabase;
  payments: PaymentStore;
  attempts: AttemptStore;
  outcomes: ChargeOutcomes;
  provider: PaymentProvider;
  refunds: RefundDispatcher;
  attemptTimeoutMs: number;
  logger: Logger;
}

/**
 * Settles an attempt whose outcome we do not know by asking the provider
 * what became of its reference: a timeout, a crash between recording the
 * attempt and hearing back, or a Pix code waiting for its payer.
 *
 * "Not found" is not taken on trust: the request may still be on its way.
 * The reference is withdrawn first, which the provider records, so the
 * request is refused should it arrive later; only then is the attempt FAILED.
 * Likewise an unpaid Pix code of an order cancelled meanwhile is withdrawn so
 * it can no longer be paid; if the payer was quicker, the capture is recorded
 * and refunded.
 */
export class AttemptResolution {
  constructor(private readonly dependencies: AttemptResolutionDependencies) {}

  async resolve(attemptId: string, origin: EventOrigin): Promise<void> {
    const { database, payments, attempts, outcomes, provider, attemptTimeoutMs, logger } = this.dependencies;
    const attempt = await attempts.findById(attemptId);
    if (attempt === null || !UNRESOLVED.includes(attempt.status)) return;
    const payment = await payments.findById(attempt.paymentId);
    if (payment === null) return;
    const charge = {
      reference: attempt.id,
      paymentId: payment.id,
      method: attempt.method === 'PIX' ? ('PIX' as const) : ('CARD' as const),
      amount: attempt.amount,
      currency: attempt.currency,
    };
    let answer: ChargeLookup;
    try {
      const withdrawNow = attempt.status === 'AWAITING_CONFIRMATION' && payment.cancelRequestedAt !== null;
      answer = await withDeadline(withdrawNow ? provider.withdraw(charge) : provider.lookup(attempt.id), attemptTimeoutMs, 'lookup');
      if (answer.status === 'NOT_FOUND') answer = await withDeadline(provider.withdraw(charge), attemptTimeoutMs, 'withdraw');
    } catch (error) {
      logger.warn({ err: error, attemptId }, 'the provider did not answer; trying again next run');
      return;
    }
    // Still waiting for the payer: nothing to record.
    if (answer.status === 'AWAITING_CONFIRMATION' && attempt.status === 'AWAITING_CONFIRMATION') return;
    const recorded = await database.$transaction(async (transaction) => {
      const locked = await payments.lock(transaction, { id: payment.id });
      return outcomes.record(transaction, locked!, attempt, answer, origin);
    });
    if (recorded.automaticRefund !== null) await this.dependencies.refunds.dispatch(recorded.automaticRefund.id, origin);
    logger.info({ attemptId, paymentId: payment.id, outcome: answer.status, status: recorded.payment.status }, 'payment attempt resolved');
  }
}
