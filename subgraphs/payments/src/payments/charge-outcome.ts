import type { EventOrigin } from '#kit';
import type { PaymentsTransaction } from '../database.js';
import type { ChargeLookup } from '../provider/payment-provider.js';
import type { Refund } from '../refunds/refund-store.js';
import { UNRESOLVED, type Attempt, type AttemptStore } from './attempt-store.js';
import type { Payment, PaymentStore } from './payment-store.js';
import type { Settlement } from './settlement.js';

/** What the provider said about a charge, or that it said nothing (a timeout, a lost connection). */
export type ChargeAnswer = ChargeLookup | { status: 'UNANSWERED' };

export interface RecordedOutcome {
  payment: Payment;
  /** A refund reserved because the order was cancelled while the charge was under way; send it. */
  automaticRefund: Refund | null;
}

const reasons = {
  withdrawn: 'The Pix code was withdrawn before it was paid, because the order was cancelled.',
  unknownToProvider: 'The payment provider has no record of this charge, so nothing was taken. Pay again with a new idempotency key.',
};

/**
 * Turns a provider's answer about an attempt into the payment's new state.
 * Runs in the caller's transaction with the payment locked. The attempt moves
 * on only from an unresolved status, so when payOrder and the recovery job
 * both learn the outcome, the first records it and the second changes nothing.
 */
export class ChargeOutcomes {
  constructor(
    private readonly payments: PaymentStore,
    private readonly attempts: AttemptStore,
    private readonly settlement: Settlement,
  ) {}

  async record(
    transaction: PaymentsTransaction,
    payment: Payment,
    attempt: Attempt,
    answer: ChargeAnswer,
    origin: EventOrigin,
  ): Promise<RecordedOutcome> {
    const unchanged: RecordedOutcome = { payment, automaticRefund: null };
    const now = new Date();
    switch (answer.status) {
      case 'UNANSWERED': {
        await this.attempts.resolve(transaction, attempt.id, ['PENDING'], { status: 'UNKNOWN' });
        return unchanged;
      }
      case 'AWAITING_CONFIRMATION': {
        const waiting = await this.attempts.resolve(transaction, attempt.id, ['PENDING', 'UNKNOWN'], {
          status: 'AWAITING_CONFIRMATION',
          providerReference: answer.providerReference,
        });
        if (waiting === null) return unchanged;
        return { payment: await this.payments.update(transaction, payment.id, { pixCode: answer.pixCode }), automaticRefund: null };
      }
      case 'CAPTURED': {
        const captured = await this.attempts.resolve(transaction, attempt.id, UNRESOLVED, {
          status: 'CAPTURED',
          providerReference: answer.providerReference,
          resolvedAt: now,
        });
        if (captured === null) return unchanged;
        return this.settlement.capture(
          transaction,
          payment,
          { providerReference: answer.providerReference, amount: answer.amount, capturedAt: answer.capturedAt },
          origin,
        );
      }
      case 'DECLINED':
        return this.failure(
          transaction,
          payment,
          attempt,
          { code: answer.code, reason: answer.reason, providerReference: answer.providerReference },
          origin,
        );
      case 'CANCELLED':
        // A Pix code the payer could have paid was withdrawn; anything else was withdrawn before it ever reached the provider.
        return attempt.status === 'AWAITING_CONFIRMATION'
          ? this.failure(
              transaction,
              payment,
              attempt,
              { code: 'EXPIRED', reason: reasons.withdrawn, providerReference: answer.providerReference, status: 'CANCELLED' },
              origin,
            )
          : this.failure(
              transaction,
              payment,
              attempt,
              { code: 'PROVIDER_ERROR', reason: reasons.unknownToProvider, providerReference: answer.providerReference },
              origin,
            );
      case 'NOT_FOUND':
        return this.failure(
          transaction,
          payment,
          attempt,
          { code: 'PROVIDER_ERROR', reason: reasons.unknownToProvider, providerReference: null },
          origin,
        );
    }
  }

  private async failure(
    transaction: PaymentsTransaction,
    payment: Payment,
    attempt: Attempt,
    failure: {
      code: 'DECLINED' | 'INSUFFICIENT_FUNDS' | 'PROVIDER_ERROR' | 'EXPIRED';
      reason: string;
      providerReference: string | null;
      status?: 'FAILED' | 'CANCELLED';
    },
    origin: EventOrigin,
  ): Promise<RecordedOutcome> {
    const failed = await this.attempts.resolve(transaction, attempt.id, UNRESOLVED, {
      status: failure.status ?? 'FAILED',
      failureCode: failure.code,
      failureReason: failure.reason,
      providerReference: failure.providerReference,
      resolvedAt: new Date(),
    });
    if (failed === null) return { payment, automaticRefund: null };
    return { payment: await this.settlement.fail(transaction, payment, failure, origin), automaticRefund: null };
  }
}
