import { Events, type ConsumerDefinition, type EventData, type HandlerContext, type TransactionRunner } from '#kit';
import type { OrdersTransaction } from '../database.js';
import type { CatalogStore } from './catalog-store.js';

/**
 * Keeps orders' copy of the catalog from products' events, so placing an order prices items
 * without calling products. The other events on the topic (inventory.updated, stock.*) have no
 * handler here and are skipped. Each snapshot is stamped with its event's time, and an event
 * older than the row changes nothing: one product's events arrive in order (same key), but a
 * replayed topic or a repaired message must not roll a price back.
 */
export function catalogProjectionConsumer(catalog: CatalogStore, transactions: TransactionRunner<OrdersTransaction>): ConsumerDefinition {
  const snapshot = async (data: EventData<typeof Events.productCreated>, { transaction, envelope, logger }: HandlerContext<unknown>) => {
    const applied = await catalog.applySnapshot(
      transaction as OrdersTransaction,
      {
        productId: data.productId,
        supplierId: data.supplierId,
        name: data.name,
        cylinderType: data.cylinderType,
        priceAmount: data.priceAmount,
        currency: data.currency,
        active: data.active,
      },
      new Date(envelope.time),
    );
    if (!applied) logger.info({ productId: data.productId, eventTime: envelope.time }, 'product event older than orders’ copy (or about a deleted product) ignored');
  };
  return {
    name: 'orders.catalog',
    topics: [Events.productCreated.topic],
    transactions,
    handlers: {
      [Events.productCreated.type]: (data, context) => snapshot(data as EventData<typeof Events.productCreated>, context),
      [Events.productUpdated.type]: (data, context) => snapshot(data as EventData<typeof Events.productUpdated>, context),
      [Events.productDeleted.type]: async (data, { transaction, envelope }) => {
        const { productId, supplierId } = data as EventData<typeof Events.productDeleted>;
        await catalog.markDeleted(transaction as OrdersTransaction, productId, supplierId, new Date(envelope.time));
      },
    },
  };
}
