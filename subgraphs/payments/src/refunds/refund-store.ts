import type { PaymentsDatabase, PaymentsTransaction, Prisma, RefundRow } from '../database.js';

export type Refund = RefundRow;

export interface RefundStore {
  create(transaction: PaymentsTransaction, refund: Prisma.RefundUncheckedCreateInput): Promise<Refund>;
  findById(id: string): Promise<Refund | null>;
  ofPayments(paymentIds: readonly string[]): Promise<Refund[]>;
  /** Refunds in flight on a payment: reserved against its captured amount until they settle. */
  pendingAmount(transaction: PaymentsTransaction, paymentId: string): Promise<number>;
  /** The refund one admin's idempotency key made on this payment, if any. */
  findByKey(transaction: PaymentsTransaction, paymentId: string, initiatedBy: string, idempotencyKey: string): Promise<Refund | null>;
  /** Settles a refund only if it is still PENDING; null when someone settled it first. */
  settle(transaction: PaymentsTransaction, id: string, patch: Prisma.RefundUpdateManyMutationInput): Promise<Refund | null>;
  pending(limit: number): Promise<string[]>;
}

export function refundStore(database: PaymentsDatabase): RefundStore {
  return {
    create: (transaction, refund) => transaction.refund.create({ data: refund }),
    findById: (id) => database.refund.findUnique({ where: { id } }),
    ofPayments: (paymentIds) =>
      database.refund.findMany({ where: { paymentId: { in: [...paymentIds] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    async pendingAmount(transaction, paymentId) {
      const { _sum } = await transaction.refund.aggregate({ where: { paymentId, status: 'PENDING' }, _sum: { amount: true } });
      return _sum.amount ?? 0;
    },
    findByKey: (transaction, paymentId, initiatedBy, idempotencyKey) =>
      transaction.refund.findFirst({ where: { paymentId, initiatedBy, idempotencyKey } }),
    async settle(transaction, id, patch) {
      const { count } = await transaction.refund.updateMany({ where: { id, status: 'PENDING' }, data: patch });
      return count === 0 ? null : transaction.refund.findUniqueOrThrow({ where: { id } });
    },
    async pending(limit) {
      const rows = await database.refund.findMany({
        where: { status: 'PENDING' },
        orderBy: { createdAt: 'asc' },
        take: limit,
        select: { id: true },
      });
      return rows.map((row) => row.id);
    },
  };
}
