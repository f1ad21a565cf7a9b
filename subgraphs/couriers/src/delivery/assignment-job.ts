import { randomUUID } from 'node:crypto';
import type { Logger, ScheduledJob } from '#kit';
import type { Assignment } from './assignment.js';
import type { DeliveryStore } from './delivery-store.js';

/** Deliveries per transaction: a backlog is worked off in several short transactions. */
const BATCH = 50;

/**
 * Closes offers past their deadline or held by couriers who went offline, then offers each
 * searching delivery without an open offer to the next courier (or gives up on it). Every
 * instance runs this; deliveries are locked with SKIP LOCKED, and at most one offer per order
 * can be open (a partial unique index), so two instances never offer an order twice.
 */
export function assignmentJob(deliveries: DeliveryStore, offers: Assignment, logger: Logger, intervalMs: number): ScheduledJob {
  return {
    name: 'couriers.assignment',
    intervalMs,
    async run() {
      await deliveries.closeStaleOffers();
      const origin = { source: 'couriers', correlationId: randomUUID() };
      for (;;) {
        const handled = await deliveries.run(async (transaction) => {
          const searching = await deliveries.lockSearching(transaction, BATCH);
          let progressed = 0;
          for (const delivery of searching) {
            if ((await offers.offerNext(transaction, delivery, origin, logger)) !== 'waiting') progressed += 1;
          }
          return { locked: searching.length, progressed };
        });
        // Deliveries nobody can take yet stay searching; they are looked at again next sweep.
        if (handled.locked < BATCH || handled.progressed === 0) return;
      }
    },
  };
}
