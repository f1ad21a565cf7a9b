import { randomUUID } from 'node:crypto';
import type { Logger, ScheduledJob, TransactionRunner } from '#kit';
import type { OrdersTransaction } from '../database.js';
import type { OrderStore } from '../orders/order-store.js';
import type { SystemMoves } from './system-moves.js';

/** Orders per transaction: a backlog is worked off in several short transactions. */
const BATCH = 100;

/**
 * Cancels card and Pix orders still unpaid at their payment deadline (PAYMENT_EXPIRED), so
 * their reserved stock goes back on sale. Cash orders have no deadline. Every instance runs
 * this; overdue orders are locked with SKIP LOCKED, and a saga event holding one (a payment
 * arriving at the last moment) is waited out until the next sweep, when the order is paid.
 */
export function paymentTimeoutJob(
  orders: OrderStore,
  moves: SystemMoves,
  transactions: TransactionRunner<OrdersTransaction>,
  logger: Logger,
  sweepSeconds: number,
): ScheduledJob {
  return {
    name: 'orders.payment-timeout',
    intervalMs: sweepSeconds * 1000,
    async run() {
      // One correlation id per sweep: the events of one run can be traced together.
      const origin = { source: 'orders', correlationId: randomUUID() };
      for (;;) {
        const expired = await transactions.run(async (transaction) => {
          const overdue = await orders.lockOverdue(transaction, BATCH);
          for (const order of overdue) {
            const minutes = Math.round(((order.paymentDueAt?.getTime() ?? 0) - order.createdAt.getTime()) / 60_000);
            const reason = `Not paid within ${minutes} minutes of being placed.`;
            await moves.move(transaction, order, 'CANCELLED', origin, logger, {
              reason,
              cancellation: { code: 'PAYMENT_EXPIRED', reason, cancelledBy: null },
            });
          }
          return overdue.length;
        });
        if (expired > 0) logger.info({ expired }, 'unpaid orders cancelled');
        if (expired < BATCH) return;
      }
    },
  };
}
