import { randomUUID } from 'node:crypto';
import type { Logger, ScheduledJob, TransactionRunner } from '#kit';
import type { OrdersTransaction } from '../database.js';
import type { OrderStore } from '../orders/order-store.js';
import type { SystemMoves } from './system-moves.js';

/** Orders per transaction: a backlog is worked off in several short transactions. */
const BATCH = 100;

/** What the customer reads on a cancelled order the store never answered. */
export const unansweredReason = (minutes: number) =>
  `The store did not confirm your order within ${minutes} minutes, so it was cancelled; anything you paid is refunded.`;

/**
 * Cancels orders their store left unanswered past `acceptBy` (STORE_DID_NOT_ANSWER): payments
 * refunds and products releases the stock on order.cancelled, as for any cancellation. Every
 * instance runs it; SKIP LOCKED hands each order to one, and an order being accepted right now
 * is waited out until the next sweep, when it is no longer waiting.
 */
export function acceptanceTimeoutJob(
  orders: OrderStore,
  moves: SystemMoves,
  transactions: TransactionRunner<OrdersTransaction>,
  logger: Logger,
  settings: { acceptanceSweepSeconds: number; acceptanceTimeoutMinutes: number },
): ScheduledJob {
  return {
    name: 'orders.acceptance-timeout',
    intervalMs: settings.acceptanceSweepSeconds * 1000,
    async run() {
      const origin = { source: 'orders', correlationId: randomUUID() };
      const reason = unansweredReason(settings.acceptanceTimeoutMinutes);
      for (;;) {
        const cancelled = await transactions.run(async (transaction) => {
          const unanswered = await orders.lockUnanswered(transaction, BATCH);
          for (const order of unanswered)
            await moves.move(transaction, order, 'CANCELLED', origin, logger, {
              reason,
              cancellation: { code: 'STORE_DID_NOT_ANSWER', reason, cancelledBy: null },
            });
          return unanswered.length;
        });
        if (cancelled > 0) logger.info({ cancelled }, 'orders the store left unanswered cancelled');
        if (cancelled < BATCH) return;
      }
    },
  };
}
