import { eventConsumer, type ConsumerDefinition, type TransactionRunner } from '#kit';
import type { ProductsTransaction } from '../catalog/product-store.js';
import type { AddressPointStore } from '../nearby/address-point-store.js';
import { AddressEvents } from '../../../orders/src/events/index.js';

/** Keeps where customers' saved addresses are (orders owns them), so storesNear can take an addressId. */
export function addressPointConsumer(points: AddressPointStore, transactions: TransactionRunner<ProductsTransaction>): ConsumerDefinition {
  return eventConsumer({
    name: 'products.address-points',
    transactions,
    handlers: (on) => [
      on(AddressEvents.saved, async (data, { transaction }) => {
        await points.save(transaction, {
          addressId: data.addressId,
          userId: data.userId,
          latitude: data.latitude,
          longitude: data.longitude,
          savedAt: new Date(data.savedAt),
        });
      }),
      on(AddressEvents.deleted, async (data, { transaction }) => {
        await points.remove(transaction, data.addressId);
      }),
    ],
  });
}
