import { eventConsumer, type ConsumerDefinition, type HandlerContext, type TransactionRunner } from '#kit';
import type { OrdersTransaction } from '../database.js';
import type { StoreViewStore } from '../stores/store-view-store.js';
import { StoreEvents, type StoreSnapshot } from '../../../products/src/events/index.js';

/**
 * Keeps orders' copy of the stores from products' store events. Every event carries the whole
 * store with a revision that grows by one per change, so whichever event it is, the highest
 * revision seen wins and a replay or a late duplicate changes nothing.
 */
export function storeProjectionConsumer(stores: StoreViewStore, transactions: TransactionRunner<OrdersTransaction>): ConsumerDefinition {
  const keep = async (data: StoreSnapshot, { transaction, logger }: HandlerContext<OrdersTransaction>) => {
    if (!(await stores.apply(transaction, data)))
      logger.info({ storeId: data.storeId, revision: data.revision }, 'store event at or below orders’ revision ignored');
  };
  return eventConsumer({
    name: 'orders.stores',
    transactions,
    handlers: (on) => [
      on(StoreEvents.created, keep),
      on(StoreEvents.updated, keep),
      on(StoreEvents.paused, keep),
      on(StoreEvents.resumed, keep),
    ],
  });
}
