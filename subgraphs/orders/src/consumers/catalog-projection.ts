import { eventConsumer, type ConsumerDefinition, type EventData, type HandlerContext, type TransactionRunner } from '#kit';
import type { OrdersTransaction } from '../database.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { ProductEvents } from '../../../products/src/events/index.js';

/**
 * Keeps orders' copy of the catalog from products' events, so placing an order prices items
 * without calling products. inventory.updated keeps the stock figure, so an order for more than
 * the store has is refused early (products' reservation still decides a race); the stock.* events
 * have no handler here and are skipped. Each snapshot is stamped with its event's time, and an event
 * older than the row changes nothing: one product's events arrive in order (same key), but a
 * replayed topic or a repaired message must not roll a price back.
 */
export function catalogProjectionConsumer(catalog: CatalogStore, transactions: TransactionRunner<OrdersTransaction>): ConsumerDefinition {
  const snapshot = async (
    data: EventData<typeof ProductEvents.created>,
    { transaction, envelope, logger }: HandlerContext<OrdersTransaction>,
  ) => {
    const applied = await catalog.applySnapshot(
      transaction,
      {
        productId: data.productId,
        supplierId: data.supplierId,
        name: data.name,
        cylinderType: data.cylinderType,
        priceAmount: data.priceAmount,
        currency: data.currency,
        active: data.active,
        stockQuantity: data.stockQuantity,
        storeId: data.storeId ?? null,
        brand: data.brand ?? null,
        saleType: data.saleType ?? null,
      },
      new Date(envelope.time),
    );
    if (!applied)
      logger.info(
        { productId: data.productId, eventTime: envelope.time },
        'product event older than orders’ copy (or about a deleted product) ignored',
      );
  };
  return eventConsumer({
    name: 'orders.catalog',
    transactions,
    handlers: (on) => [
      on(ProductEvents.created, (data, context) => snapshot(data, context)),
      on(ProductEvents.updated, (data, context) => snapshot(data, context)),
      on(ProductEvents.inventoryUpdated, async (data, { transaction, envelope }) => {
        await catalog.applyStock(transaction, data.productId, data.stockQuantity, new Date(envelope.time));
      }),
      on(ProductEvents.deleted, async (data, { transaction, envelope }) => {
        const { productId, supplierId } = data;
        await catalog.markDeleted(transaction, productId, supplierId, new Date(envelope.time));
      }),
    ],
  });
}
