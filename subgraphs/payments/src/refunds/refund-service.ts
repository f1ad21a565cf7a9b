import { notFound, requireRecentMfa, requireRole, Role, type EventOrigin, type Viewer } from '#kit';
import type { PaymentsDatabase } from '../database.js';
import type { IdempotentRequests } from '../idempotency/idempotent-requests.js';
import { requestHash } from '../idempotency/request-hash.js';
import { PaymentConflict, paymentConflict } from '../payments/payment-errors.js';
import { decodeRefund, encodeRefund } from '../payments/payment-snapshot.js';
import type { PaymentStore } from '../payments/payment-store.js';
import type { Settlement } from '../payments/settlement.js';
import type { RefundDispatcher } from './refund-dispatch.js';
import { validateRefundInput, type RefundPaymentInput } from './refund-input.js';
import type { Refund, RefundStore } from './refund-store.js';

export interface RefundServiceDependencies {
  database: PaymentsDatabase;
  payments: PaymentStore;
  refunds: RefundStore;
  settlement: Settlement;
  dispatcher: RefundDispatcher;
  idempotency: IdempotentRequests;
  mfaMaxAgeSeconds: number;
}

/**
 * Refunds: an admin's (refundPayment), and the automatic one of a cancelled
 * order. Each is first reserved under the payment's row lock, where the
 * refundable amount counts refunds still in flight, so refunds racing each
 * other can never together exceed what was captured; then it is sent.
 */
export class RefundService {
  constructor(private readonly dependencies: RefundServiceDependencies) {}

  async refund(viewer: Viewer | null, input: RefundPaymentInput, origin: EventOrigin): Promise<Refund> {
    const admin = requireRecentMfa(requireRole(viewer, Role.ADMIN), this.dependencies.mfaMaxAgeSeconds);
    const request = validateRefundInput(input);
    if ((await this.dependencies.payments.findById(request.paymentId)) === null) throw notFound('Payment');
    return this.dependencies.idempotency.execute({
      scope: { ownerId: admin.userId, key: request.idempotencyKey },
      requestHash: requestHash('refundPayment', { paymentId: request.paymentId, amount: request.amount, reason: request.reason }),
      run: async () => {
        const reserved = await this.reserve(admin.userId, request);
        return (await this.dependencies.dispatcher.dispatch(reserved.id, origin)) ?? reserved;
      },
      encode: encodeRefund,
      decode: decodeRefund,
    });
  }

  /** The safety net's work: the refund a cancelled order's payment still needs. Sends it when one was reserved. */
  async refundCancelled(paymentId: string, origin: EventOrigin): Promise<void> {
    const { database, payments, settlement, dispatcher } = this.dependencies;
    const reserved = await database.$transaction(async (transaction) => {
      const payment = await payments.lock(transaction, { id: paymentId });
      return payment === null || payment.cancelRequestedAt === null ? null : settlement.reserveCancellationRefund(transaction, payment);
    });
    if (reserved !== null) await dispatcher.dispatch(reserved.id, origin);
  }

  private reserve(adminId: string, request: ReturnType<typeof validateRefundInput>): Promise<Refund> {
    const { database, payments, refunds, settlement } = this.dependencies;
    return database.$transaction(async (transaction) => {
      const payment = await payments.lock(transaction, { id: request.paymentId });
      if (payment === null) throw notFound('Payment');
      // This key's refund exists but its answer was never stored (the process died): answer with it.
      const earlier = await refunds.findByKey(transaction, payment.id, adminId, request.idempotencyKey);
      if (earlier !== null) return earlier;
      const refundable = await settlement.refundable(transaction, payment);
      if (refundable === 0) {
        throw paymentConflict(PaymentConflict.NOTHING_TO_REFUND, `Nothing on this payment can be refunded (it is ${payment.status}).`, {
          refundableAmount: 0,
        });
      }
      const amount = request.amount ?? refundable;
      if (amount > refundable) {
        throw paymentConflict(
          PaymentConflict.REFUND_EXCEEDS_REFUNDABLE,
          `At most ${refundable} (minor units of ${payment.currency}) can be refunded: that is what was captured less what is refunded or being refunded.`,
          { refundableAmount: refundable },
        );
      }
      return settlement.reserveRefund(transaction, payment, {
        amount,
        reason: request.reason,
        initiatedBy: adminId,
        idempotencyKey: request.idempotencyKey,
      });
    });
  }
}
