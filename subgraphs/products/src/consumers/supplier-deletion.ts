import { eventConsumer, type ConsumerDefinition, type TransactionRunner } from '#kit';

import type { ProductsTransaction, ProductStore } from '../catalog/product-store.js';
import { productChangeEvents } from '../catalog/product-events.js';
import type { StoreStore } from '../stores/store-store.js';
import { storeEditEvents } from '../stores/store-change-events.js';
import { UserEvents } from '../../../accounts/src/events/index.js';

/**
 * products reacts to user.deleted: a deleted supplier's products leave the
 * catalog and its stores stop taking orders (deactivated, not deleted, so past
 * orders keep their references), each change announced like any other
 * product.updated or store.updated.
 */
export function supplierDeletionConsumer(
  products: ProductStore,
  stores: StoreStore,
  transactions: TransactionRunner<ProductsTransaction>,
): ConsumerDefinition {
  return eventConsumer({
    name: 'products.user-deletions',
    transactions,
    handlers: (on) => [
      on(UserEvents.deleted, async (data, { transaction, envelope, logger }) => {
        const { userId } = data;
        const origin = { source: 'products', correlationId: envelope.correlationId };
        const changed = await products.deactivateAllOf(userId, transaction, productChangeEvents(origin));
        const closed = await stores.deactivateAllOf(transaction, userId, storeEditEvents(origin));
        if (closed.length > 0) logger.info({ supplierId: userId, stores: closed.length }, 'deleted supplier’s stores deactivated');
        if (changed.length > 0) logger.info({ supplierId: userId, deactivated: changed.length }, 'deleted supplier’s products deactivated');
      }),
    ],
  });
}
