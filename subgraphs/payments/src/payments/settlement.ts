import { randomUUID } from 'node:crypto';
import { recordEvents, type EventOrigin } from '#kit';
import type { PaymentFailureCode, PaymentMethod, PaymentsTransaction } from '../database.js';
import { commissionOn, commissionReversal } from '../ledger/commission.js';
import { captureEntries, refundEntries, type ClearingAccount } from '../ledger/ledger-entries.js';
import type { LedgerStore } from '../ledger/ledger-store.js';
import type { Refund, RefundStore } from '../refunds/refund-store.js';
import { paymentFailedEvent, paymentProcessedEvent, refundProcessedEvent } from './payment-events.js';
import type { Payment, PaymentStore } from './payment-store.js';

/** The reason recorded on the refund of a cancelled order. */
export const CANCELLATION_REFUND_REASON = 'The order was cancelled.';

/** Cash on delivery never reaches the provider, so it clears through an account of its own. */
export const clearingAccountOf = (method: PaymentMethod): ClearingAccount =>
  method === 'CASH_ON_DELIVERY' ? 'CASH_COLLECTED' : 'PROVIDER_CLEARING';

export interface Capture {
  providerReference: string;
  amount: number;
  /** When the money moved: the ledger dates the capture by it, as the provider does. */
  capturedAt: Date;
}

export interface SettlementDependencies {
  payments: PaymentStore;
  refunds: RefundStore;
  ledger: LedgerStore;
  commissionBasisPoints: number;
}

/**
 * Every change to a payment's money, each inside the caller's transaction and
 * with the payment's row locked by it (PaymentStore.lock): the ledger entries,
 * the payment's totals and the outbox event commit together or not at all.
 */
export class Settlement {
  constructor(private readonly dependencies: SettlementDependencies) {}

  /**
   * Money captured. When the order was cancelled meanwhile, the refund of all
   * of it is reserved in the same transaction; the caller sends it.
   */
  async capture(
    transaction: PaymentsTransaction,
    payment: Payment,
    capture: Capture,
    origin: EventOrigin,
  ): Promise<{ payment: Payment; automaticRefund: Refund | null }> {
    const { payments, ledger, commissionBasisPoints } = this.dependencies;
    const commission = commissionOn(capture.amount, commissionBasisPoints);
    await ledger.record(transaction, {
      kind: 'CAPTURE',
      paymentId: payment.id,
      currency: payment.currency,
      occurredAt: capture.capturedAt,
      entries: captureEntries(capture.amount, commission, clearingAccountOf(payment.method)),
    });
    const paid = await payments.update(transaction, payment.id, {
      status: 'PAID',
      capturedAmount: capture.amount,
      commissionAmount: commission,
      providerReference: capture.providerReference,
      capturedAt: capture.capturedAt,
      failureCode: null,
      failureReason: null,
      pixCode: null,
    });
    await recordEvents(transaction, [paymentProcessedEvent(origin, paid)]);
    const automaticRefund = paid.cancelRequestedAt === null ? null : await this.reserveCancellationRefund(transaction, paid);
    return { payment: paid, automaticRefund };
  }

  /**
   * Cash collected at the door on top of a payment already captured (the empties shortfall of an
   * order whose delivery was settled first): booked as a ledger transaction of its own kind (a
   * payment has one CAPTURE), entered as a capture is, with the commission on it, so the ledger
   * and the payment's totals move together.
   */
  async captureCashAddition(transaction: PaymentsTransaction, payment: Payment, amount: number, capturedAt: Date): Promise<Payment> {
    const { payments, ledger, commissionBasisPoints } = this.dependencies;
    const commission = commissionOn(amount, commissionBasisPoints);
    await ledger.record(transaction, {
      kind: 'EMPTIES_SHORTFALL',
      paymentId: payment.id,
      currency: payment.currency,
      occurredAt: capturedAt,
      entries: captureEntries(amount, commission, 'CASH_COLLECTED'),
    });
    return payments.update(transaction, payment.id, {
      amount: payment.amount + amount,
      capturedAmount: payment.capturedAmount + amount,
      commissionAmount: payment.commissionAmount + commission,
    });
  }

  /** Nothing was captured. A payment whose order was cancelled meanwhile ends CANCELLED rather than FAILED. */
  async fail(
    transaction: PaymentsTransaction,
    payment: Payment,
    failure: { code: PaymentFailureCode; reason: string },
    origin: EventOrigin,
  ): Promise<Payment> {
    const failed = await this.dependencies.payments.update(transaction, payment.id, {
      status: payment.cancelRequestedAt === null ? 'FAILED' : 'CANCELLED',
      failureCode: failure.code,
      failureReason: failure.reason,
      pixCode: null,
    });
    await recordEvents(transaction, [paymentFailedEvent(origin, failed, failure.code, failure.reason, new Date())]);
    return failed;
  }

  /** What may still be refunded: captured, less refunds done and refunds in flight. */
  async refundable(transaction: PaymentsTransaction, payment: Payment): Promise<number> {
    if (payment.status !== 'PAID' && payment.status !== 'PARTIALLY_REFUNDED') return 0;
    return payment.capturedAmount - payment.refundedAmount - (await this.dependencies.refunds.pendingAmount(transaction, payment.id));
  }

  /** Reserves a refund against the captured amount; the caller has checked it fits (refundable()). */
  reserveRefund(
    transaction: PaymentsTransaction,
    payment: Payment,
    refund: { amount: number; reason: string; initiatedBy: string | null; idempotencyKey?: string },
  ): Promise<Refund> {
    return this.dependencies.refunds.create(transaction, {
      id: randomUUID(),
      paymentId: payment.id,
      amount: refund.amount,
      currency: payment.currency,
      reason: refund.reason,
      status: 'PENDING',
      initiatedBy: refund.initiatedBy,
      idempotencyKey: refund.idempotencyKey ?? null,
    });
  }

  /** The automatic refund of whatever a cancelled order's payment still holds; null when nothing is left. */
  async reserveCancellationRefund(transaction: PaymentsTransaction, payment: Payment): Promise<Refund | null> {
    const left = await this.refundable(transaction, payment);
    return left > 0
      ? this.reserveRefund(transaction, payment, { amount: left, reason: CANCELLATION_REFUND_REASON, initiatedBy: null })
      : null;
  }

  /** The provider returned the money: ledger, totals and refund.processed. Unchanged when it was settled already. */
  async completeRefund(
    transaction: PaymentsTransaction,
    payment: Payment,
    refund: Refund,
    outcome: { providerReference: string; refundedAt: Date },
    origin: EventOrigin,
  ): Promise<Payment> {
    const { payments, refunds, ledger } = this.dependencies;
    const settled = await refunds.settle(transaction, refund.id, {
      status: 'SUCCEEDED',
      providerReference: outcome.providerReference,
      processedAt: outcome.refundedAt,
    });
    if (settled === null) return payment;
    const reversal = commissionReversal({
      captured: payment.capturedAmount,
      commission: payment.commissionAmount,
      refundedBefore: payment.refundedAmount,
      reversedBefore: payment.commissionReversed,
      amount: settled.amount,
    });
    await ledger.record(transaction, {
      kind: 'REFUND',
      paymentId: payment.id,
      refundId: settled.id,
      currency: payment.currency,
      occurredAt: outcome.refundedAt,
      entries: refundEntries(settled.amount, reversal, clearingAccountOf(payment.method)),
    });
    const refundedAmount = payment.refundedAmount + settled.amount;
    const after = await payments.update(transaction, payment.id, {
      refundedAmount,
      commissionReversed: payment.commissionReversed + reversal,
      status: refundedAmount === payment.capturedAmount ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
    });
    await recordEvents(transaction, [refundProcessedEvent(origin, after, settled)]);
    return after;
  }

  /** The provider refused the refund: nothing moved, and its reservation is given back. */
  refuseRefund(transaction: PaymentsTransaction, refund: Refund, reason: string): Promise<Refund | null> {
    return this.dependencies.refunds.settle(transaction, refund.id, { status: 'FAILED', failureReason: reason, processedAt: new Date() });
  }
}
