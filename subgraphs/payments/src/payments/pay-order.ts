import { randomUUID } from 'node:crypto';
import { requireViewer, type EventOrigin, type Logger, type Viewer } from '#kit';
import type { PaymentsDatabase } from '../database.js';
import type { IdempotentRequests } from '../idempotency/idempotent-requests.js';
import { requestHash } from '../idempotency/request-hash.js';
import { withDeadline } from '../provider/deadline.js';
import type { PaymentProvider } from '../provider/payment-provider.js';
import type { RefundDispatcher } from '../refunds/refund-dispatch.js';
import type { Attempt, AttemptStore } from './attempt-store.js';
import type { ChargeAnswer, ChargeOutcomes } from './charge-outcome.js';
import { PaymentConflict, paymentConflict, paymentNotOpen } from './payment-errors.js';
import { decodePayment, encodePayment } from './payment-snapshot.js';
import type { Payment, PaymentStore } from './payment-store.js';
import { validateInstrument, validatePayOrderInput, type PayOrderInput } from './pay-order-input.js';

export interface PayOrderDependencies {
  database: PaymentsDatabase;
  payments: PaymentStore;
  attempts: AttemptStore;
  outcomes: ChargeOutcomes;
  provider: PaymentProvider;
  idempotency: IdempotentRequests;
  refunds: RefundDispatcher;
  attemptTimeoutMs: number;
  logger: Logger;
}

/** Only a payment nobody has paid, and whose order stands, may be charged. */
function refuseUnpayable(payment: Payment): void {
  if (payment.cancelRequestedAt !== null || payment.status === 'CANCELLED') {
    throw paymentConflict(PaymentConflict.ORDER_CANCELLED, 'This order was cancelled; it cannot be paid.');
  }
  switch (payment.status) {
    case 'AWAITING_PAYMENT':
    case 'FAILED':
      return;
    case 'AWAITING_DELIVERY':
      throw paymentConflict(PaymentConflict.CASH_ON_DELIVERY, 'This order is paid in cash on delivery; there is nothing to pay now.');
    case 'PROCESSING':
      throw paymentConflict(
        PaymentConflict.PAYMENT_IN_PROGRESS,
        'A payment for this order is already under way; query payment(id) or subscribe to paymentUpdated for its outcome.',
        { paymentId: payment.id },
      );
    default:
      throw paymentConflict(PaymentConflict.ALREADY_PAID, 'This order is already paid.', { paymentId: payment.id });
  }
}

/**
 * payOrder. The order of steps is what keeps money safe:
 * 1. with the payment's row locked, check it may be paid, record the attempt
 *    and mark the payment PROCESSING, and commit: from now on nobody else can
 *    start a charge, and a crash leaves a trace the recovery job will find;
 * 2. call the provider, outside any transaction, with the attempt's id as its
 *    idempotency reference;
 * 3. record the answer in a second transaction, with its ledger entries and
 *    event. No answer (a timeout) leaves the attempt UNKNOWN and the payment
 *    PROCESSING until the recovery job asks the provider.
 * The whole is wrapped in an idempotency key, so retries get the first answer.
 */
export class PayOrder {
  constructor(private readonly dependencies: PayOrderDependencies) {}

  async pay(viewer: Viewer | null, input: PayOrderInput, origin: EventOrigin): Promise<Payment> {
    const customer = requireViewer(viewer);
    validatePayOrderInput(input);
    const payment = await this.dependencies.payments.findByOrderId(input.orderId);
    if (payment === null || payment.customerId !== customer.userId) throw paymentNotOpen();
    validateInstrument(payment, input);
    const cardToken = input.card?.token;
    return this.dependencies.idempotency.execute({
      scope: { ownerId: customer.userId, key: input.idempotencyKey },
      requestHash: requestHash('payOrder', { orderId: input.orderId, cardToken }),
      run: () => this.charge(payment.id, input.idempotencyKey, cardToken, origin),
      encode: encodePayment,
      decode: decodePayment,
    });
  }

  private async charge(paymentId: string, idempotencyKey: string, cardToken: string | undefined, origin: EventOrigin): Promise<Payment> {
    const { database, payments, attempts, outcomes, provider, attemptTimeoutMs, logger } = this.dependencies;
    const started = await database.$transaction(
      async (transaction): Promise<{ replay: Payment } | { attempt: Attempt; payment: Payment }> => {
        const payment = await payments.lock(transaction, { id: paymentId });
        if (payment === null) throw paymentNotOpen();
        // This key's attempt exists but its answer was never stored (the process died): answer with where it stands.
        if ((await attempts.latest(transaction, paymentId))?.idempotencyKey === idempotencyKey) return { replay: payment };
        refuseUnpayable(payment);
        const attempt = await attempts.create(transaction, {
          id: randomUUID(),
          paymentId,
          method: payment.method,
          amount: payment.amount,
          currency: payment.currency,
          status: 'PENDING',
          idempotencyKey,
        });
        const processing = await payments.update(transaction, paymentId, {
          status: 'PROCESSING',
          failureCode: null,
          failureReason: null,
          pixCode: null,
        });
        return { attempt, payment: processing };
      },
    );
    if ('replay' in started) return started.replay;

    const { attempt, payment } = started;
    let answer: ChargeAnswer;
    try {
      answer = await withDeadline(
        provider.charge({
          reference: attempt.id,
          paymentId,
          method: payment.method === 'PIX' ? 'PIX' : 'CARD',
          amount: attempt.amount,
          currency: attempt.currency,
          ...(cardToken === undefined ? {} : { cardToken }),
        }),
        attemptTimeoutMs,
        'charge',
      );
    } catch (error) {
      logger.warn(
        { err: error, paymentId, attemptId: attempt.id },
        'the provider gave no answer to a charge; the recovery job will look it up',
      );
      answer = { status: 'UNANSWERED' };
    }
    const recorded = await database.$transaction(async (transaction) => {
      const locked = await payments.lock(transaction, { id: paymentId });
      return outcomes.record(transaction, locked!, attempt, answer, origin);
    });
    if (recorded.automaticRefund === null) return recorded.payment;
    await this.dependencies.refunds.dispatch(recorded.automaticRefund.id, origin);
    return (await payments.findById(paymentId)) ?? recorded.payment;
  }
}
