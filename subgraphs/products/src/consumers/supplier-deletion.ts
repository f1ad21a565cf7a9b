import { eventConsumer, type ConsumerDefinition, type TransactionRunner } from '#kit';

import type { ProductsTransaction, ProductStore } from '../catalog/product-store.js';
import { productChangeEvents } from '../catalog/product-events.js';
import { UserEvents } from '../../../accounts/src/events/index.js';

/**
 * products reacts to user.deleted: a deleted supplier's products leave the
 * catalog (deactivated, not deleted, so past orders keep their references),
 * and each change is announced like any other product.updated.
 */
export function supplierDeletionConsumer(products: ProductStore, transactions: TransactionRunner<ProductsTransaction>): ConsumerDefinition {
  return eventConsumer({
    name: 'products.user-deletions',
    transactions,
    handlers: (on) => [
      on(UserEvents.deleted, async (data, { transaction, envelope, logger }) => {
        const { userId } = data;
        const changed = await products.deactivateAllOf(
          userId,
          transaction,
          productChangeEvents({ source: 'products', correlationId: envelope.correlationId }),
        );
        if (changed.length > 0) logger.info({ supplierId: userId, deactivated: changed.length }, 'deleted supplier’s products deactivated');
      }),
    ],
  });
}
