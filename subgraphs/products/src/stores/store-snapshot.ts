import type { StoreSnapshot } from '../events/index.js';
import type { Store, StoreAuthorization } from './store.js';

/** What store events carry: the store as other services judge it. Null for a store without an address, which nobody may order from yet. */
export function storeSnapshot(store: Store, authorization: StoreAuthorization | null): StoreSnapshot | null {
  if (store.address === null) return null;
  return {
    storeId: store.id,
    supplierId: store.supplierId,
    revision: store.revision,
    name: store.name,
    address: store.address,
    timeZone: store.timeZone,
    deliveryArea: store.deliveryArea,
    openingHours: store.openingHours,
    exceptions: store.exceptions,
    pause:
      store.pause === null
        ? null
        : { reason: store.pause.reason, since: store.pause.since.toISOString(), until: store.pause.until?.toISOString() ?? null },
    authorization,
    resellerType: store.resellerType,
    brand: store.brand,
    minimumOrderAmount: store.minimumOrderAmount,
    currency: store.currency,
    deliveryFee: store.deliveryFee,
    preparationMinutes: store.preparationMinutes,
    autoAccept: store.autoAccept,
    active: store.active,
    updatedAt: store.updatedAt.toISOString(),
  };
}
