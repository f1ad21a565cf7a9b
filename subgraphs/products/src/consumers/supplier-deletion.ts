import type { ConsumerDefinition, EventData, TransactionRunner } from '#kit';
import { Events } from '#kit';
import type { ProductsTransaction, ProductStore } from './product-store.js';
import { productChangeEvents } from './product-events.js';

/**
 * products reacts to user.deleted: a deleted supplier's products leave the
 * catalog (deactivated, not deleted, so past orders keep their references),
 * and each change is announced like any other product.updated.
 */
export function supplierDeletionConsumer(
  products: ProductStore,
  transactions: TransactionRunner<ProductsTransaction>,
): ConsumerDefinition {
  return {
    name: 'products.user-deletions',
    topics: [Events.userDeleted.topic],
    transactions,
    handlers: {
      [Events.userDeleted.type]: async (data, { transaction, envelope, logger }) => {
        const { userId } = data as EventData<typeof Events.userDeleted>;
        const changed = await products.deactivateAllOf(
          userId,
          transaction as ProductsTransaction,
          productChangeEvents({ source: 'products', correlationId: envelope.correlationId }),
        );
        if (changed.length > 0) logger.info({ supplierId: userId, deactivated: changed.length }, 'deleted supplier’s products deactivated');
      },
    },
  };
}
