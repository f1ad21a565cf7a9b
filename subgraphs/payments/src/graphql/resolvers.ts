import { connection, decodeCursor, hasRole, invalidInput, isUuid, pageSize, requireRole, Role, type EventOrigin } from '#kit';
import type { LedgerTransaction } from '../ledger/ledger-store.js';
import { checkPeriod, reconcile, type Mismatch, type Movements } from '../ledger/reconciliation.js';
import type { Attempt } from '../payments/attempt-store.js';
import type { PayOrderInput } from '../payments/pay-order-input.js';
import { seesPayment, seesPixCode } from '../payments/payment-policy.js';
import type { Payment } from '../payments/payment-store.js';
import type { RefundPaymentInput } from '../refunds/refund-input.js';
import type { Refund } from '../refunds/refund-store.js';
import type { PaymentsContext } from './context.js';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Events caused by this request carry its correlation id. */
const origin = (context: PaymentsContext): EventOrigin => ({ source: 'payments', correlationId: context.correlationId });

const money = (amount: number, currency: string) => ({ amount, currency });
const iso = (date: Date | null) => date?.toISOString() ?? null;
const withNet = (movements: Movements) => ({ ...movements, net: movements.captured - movements.refunded });

async function visible(payment: Promise<Payment | null>, context: PaymentsContext): Promise<Payment | null> {
  const found = await payment;
  return found !== null && seesPayment(context.viewer, found) ? found : null;
}

export const resolvers = {
  Query: {
    payment: (_root: unknown, { id }: { id: string }, context: PaymentsContext) => visible(context.paymentById.load(id), context),
    paymentForOrder: (_root: unknown, { orderId }: { orderId: string }, context: PaymentsContext) =>
      visible(context.paymentByOrderId.load(orderId), context),
    ledgerBalances: async (_root: unknown, _args: unknown, context: PaymentsContext) => {
      requireRole(context.viewer, Role.ADMIN);
      return (await context.ledger.balances()).map((balance) => ({ ...balance, net: balance.debits - balance.credits }));
    },
    ledgerTransactions: async (_root: unknown, args: PageArgs & { paymentId?: string | null }, context: PaymentsContext) => {
      requireRole(context.viewer, Role.ADMIN);
      if (args.paymentId && !isUuid(args.paymentId)) throw invalidInput([{ field: 'paymentId', message: 'is not a payment id' }]);
      const first = pageSize(args.first);
      const after = decodeCursor(args.after);
      const page = await context.ledger.list({
        first,
        ...(after ? { after } : {}),
        ...(args.paymentId ? { paymentId: args.paymentId } : {}),
      });
      return connection(page.transactions, page.hasNextPage, page.totalCount);
    },
    reconciliation: async (_root: unknown, args: { from: Date; to: Date }, context: PaymentsContext) => {
      requireRole(context.viewer, Role.ADMIN);
      const period = checkPeriod(args.from, args.to);
      const report = await reconcile(context.ledger, context.provider, period.from, period.to);
      return {
        from: report.from.toISOString(),
        to: report.to.toISOString(),
        paymentsCompared: report.paymentsCompared,
        balanced: report.mismatches.length === 0,
        mismatches: report.mismatches,
        totals: report.totals.map((total) => ({
          currency: total.currency,
          ledger: withNet(total.ledger),
          provider: withNet(total.provider),
        })),
      };
    },
  },
  Mutation: {
    payOrder: (_root: unknown, { input }: { input: PayOrderInput }, context: PaymentsContext) =>
      context.payOrder.pay(context.viewer, input, origin(context)),
    refundPayment: (_root: unknown, { input }: { input: RefundPaymentInput }, context: PaymentsContext) =>
      context.refundService.refund(context.viewer, input, origin(context)),
  },
  Order: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    payment: (order: { id: string }, _args: unknown, context: PaymentsContext) => visible(context.paymentByOrderId.load(order.id), context),
  },
  Payment: {
    __resolveReference: (reference: { id: string }, context: PaymentsContext) => visible(context.paymentById.load(reference.id), context),
    order: (payment: Payment) => ({ __typename: 'Order', id: payment.orderId }),
    amount: (payment: Payment) => money(payment.amount, payment.currency),
    captured: (payment: Payment) => money(payment.capturedAmount, payment.currency),
    refunded: (payment: Payment) => money(payment.refundedAmount, payment.currency),
    refundable: async (payment: Payment, _args: unknown, context: PaymentsContext) => {
      if (payment.status !== 'PAID' && payment.status !== 'PARTIALLY_REFUNDED') return money(0, payment.currency);
      const inFlight = (await context.refundsByPayment.load(payment.id)).filter((refund) => refund.status === 'PENDING');
      return money(
        payment.capturedAmount - payment.refundedAmount - inFlight.reduce((sum, refund) => sum + refund.amount, 0),
        payment.currency,
      );
    },
    pixCode: (payment: Payment, _args: unknown, context: PaymentsContext) =>
      seesPixCode(context.viewer, payment) ? payment.pixCode : null,
    cancellationRequested: (payment: Payment) => payment.cancelRequestedAt !== null,
    refunds: (payment: Payment, _args: unknown, context: PaymentsContext) => context.refundsByPayment.load(payment.id),
    attempts: (payment: Payment, _args: unknown, context: PaymentsContext) => context.attemptsByPayment.load(payment.id),
    // A payment replayed from an idempotency key stored before shortfalls existed lacks the fields: none.
    emptiesShortfall: ({ emptiesShortfallAmount: amount, emptiesShortfallStatus: status, emptiesShortfallAt: at, currency }: Payment) =>
      amount === null || amount === undefined || status === null || status === undefined || at === null || at === undefined
        ? null
        : { amount: money(amount, currency), status, at: iso(at) },
    createdAt: (payment: Payment) => iso(payment.createdAt),
    updatedAt: (payment: Payment) => iso(payment.updatedAt),
  },
  PaymentAttempt: {
    amount: (attempt: Attempt) => money(attempt.amount, attempt.currency),
    createdAt: (attempt: Attempt) => iso(attempt.createdAt),
    resolvedAt: (attempt: Attempt) => iso(attempt.resolvedAt),
  },
  Refund: {
    payment: (refund: Refund, _args: unknown, context: PaymentsContext) => context.paymentById.load(refund.paymentId),
    amount: (refund: Refund) => money(refund.amount, refund.currency),
    automatic: (refund: Refund) => refund.initiatedBy === null,
    initiatedBy: (refund: Refund, _args: unknown, context: PaymentsContext) =>
      refund.initiatedBy !== null && hasRole(context.viewer, Role.ADMIN) ? { __typename: 'User', id: refund.initiatedBy } : null,
    createdAt: (refund: Refund) => iso(refund.createdAt),
    processedAt: (refund: Refund) => iso(refund.processedAt),
  },
  LedgerTransaction: {
    payment: (transaction: LedgerTransaction, _args: unknown, context: PaymentsContext) => context.paymentById.load(transaction.paymentId),
    occurredAt: (transaction: LedgerTransaction) => iso(transaction.occurredAt),
    createdAt: (transaction: LedgerTransaction) => iso(transaction.createdAt),
  },
  ReconciliationMismatch: {
    ledger: (mismatch: Mismatch) => withNet(mismatch.ledger),
    provider: (mismatch: Mismatch) => withNet(mismatch.provider),
    payment: (mismatch: Mismatch, _args: unknown, context: PaymentsContext) => context.paymentById.load(mismatch.paymentId),
  },
};
