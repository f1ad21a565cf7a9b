import type { AttemptRow, AttemptStatus, PaymentsDatabase, PaymentsTransaction, Prisma } from '../database.js';

export type Attempt = AttemptRow;

/** Attempts whose outcome we do not know yet. */
export const UNRESOLVED: readonly AttemptStatus[] = ['PENDING', 'AWAITING_CONFIRMATION', 'UNKNOWN'];

export interface AttemptStore {
  create(transaction: PaymentsTransaction, attempt: Prisma.PaymentAttemptUncheckedCreateInput): Promise<Attempt>;
  findById(id: string): Promise<Attempt | null>;
  /** The payment's attempts, oldest first, for many payments at once. */
  ofPayments(paymentIds: readonly string[]): Promise<Attempt[]>;
  latest(transaction: PaymentsTransaction, paymentId: string): Promise<Attempt | null>;
  /**
   * Moves an attempt on only if it is still in one of `from`: whoever resolves
   * it first wins, and a late second resolution changes nothing (null).
   */
  resolve(
    transaction: PaymentsTransaction,
    id: string,
    from: readonly AttemptStatus[],
    patch: Prisma.PaymentAttemptUpdateManyMutationInput,
  ): Promise<Attempt | null>;
  /**
   * Attempts to settle by asking the provider: every UNKNOWN one, every one
   * waiting for its Pix payer, and PENDING ones older than `abandonedBefore`
   * (their process died between recording them and hearing the provider).
   */
  needingLookup(abandonedBefore: Date, limit: number): Promise<string[]>;
}

export function attemptStore(database: PaymentsDatabase): AttemptStore {
  return {
    create: (transaction, attempt) => transaction.paymentAttempt.create({ data: attempt }),
    findById: (id) => database.paymentAttempt.findUnique({ where: { id } }),
    ofPayments: (paymentIds) =>
      database.paymentAttempt.findMany({ where: { paymentId: { in: [...paymentIds] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    latest: (transaction, paymentId) =>
      transaction.paymentAttempt.findFirst({ where: { paymentId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    async resolve(transaction, id, from, patch) {
      const { count } = await transaction.paymentAttempt.updateMany({ where: { id, status: { in: [...from] } }, data: patch });
      return count === 0 ? null : transaction.paymentAttempt.findUniqueOrThrow({ where: { id } });
    },
    async needingLookup(abandonedBefore, limit) {
      // Money in an unknown state first; codes still waiting for their payer after, so many
      // unpaid Pix codes never hold up a timed-out card charge.
      const unknown = await database.paymentAttempt.findMany({
        where: { OR: [{ status: 'UNKNOWN' }, { status: 'PENDING', createdAt: { lt: abandonedBefore } }] },
        orderBy: { createdAt: 'asc' },
        take: limit,
        select: { id: true },
      });
      const waiting =
        unknown.length >= limit
          ? []
          : await database.paymentAttempt.findMany({
              where: { status: 'AWAITING_CONFIRMATION' },
              orderBy: { createdAt: 'asc' },
              take: limit - unknown.length,
              select: { id: true },
            });
      return [...unknown, ...waiting].map((row) => row.id);
    },
  };
}
