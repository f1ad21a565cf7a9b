import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { LedgerStore } from '../ledger/ledger-store.js';
import type { Attempt, AttemptStore } from '../payments/attempt-store.js';
import type { PayOrder } from '../payments/pay-order.js';
import type { Payment, PaymentStore } from '../payments/payment-store.js';
import type { PaymentProvider } from '../provider/payment-provider.js';
import type { RefundService } from '../refunds/refund-service.js';
import type { Refund, RefundStore } from '../refunds/refund-store.js';

export interface PaymentsServices {
  readonly payOrder: PayOrder;
  readonly refundService: RefundService;
  readonly payments: PaymentStore;
  readonly attempts: AttemptStore;
  readonly refunds: RefundStore;
  readonly ledger: LedgerStore;
  readonly provider: PaymentProvider;
}

export interface PaymentsContext extends RequestContext, PaymentsServices {
  /** Batches payment lookups (entities, refunds' and ledger transactions' payments) into one query per request. */
  readonly paymentById: DataLoader<string, Payment | null>;
  /** Batches `Order.payment` across a page of orders. */
  readonly paymentByOrderId: DataLoader<string, Payment | null>;
  readonly refundsByPayment: DataLoader<string, Refund[]>;
  readonly attemptsByPayment: DataLoader<string, Attempt[]>;
}

const byKey = <Row, Key>(rows: Row[], keyOf: (row: Row) => Key) => new Map(rows.map((row) => [keyOf(row), row]));

function groupedBy<Row>(rows: Row[], keyOf: (row: Row) => string, keys: readonly string[]): Row[][] {
  const groups = new Map<string, Row[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

export function paymentsContext(request: RequestContext, services: PaymentsServices): PaymentsContext {
  const { payments, refunds, attempts } = services;
  return {
    ...request,
    ...services,
    paymentById: new DataLoader(async (ids) => {
      const found = byKey(await payments.findByIds(ids), (payment) => payment.id);
      return ids.map((id) => found.get(id) ?? null);
    }),
    paymentByOrderId: new DataLoader(async (orderIds) => {
      const found = byKey(await payments.findByOrderIds(orderIds), (payment) => payment.orderId);
      return orderIds.map((orderId) => found.get(orderId) ?? null);
    }),
    refundsByPayment: new DataLoader(async (ids) => groupedBy(await refunds.ofPayments(ids), (refund) => refund.paymentId, ids)),
    attemptsByPayment: new DataLoader(async (ids) => groupedBy(await attempts.ofPayments(ids), (attempt) => attempt.paymentId, ids)),
  };
}
