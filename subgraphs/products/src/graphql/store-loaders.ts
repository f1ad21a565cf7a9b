import DataLoader from 'dataloader';
import type { StoreStore } from '../stores/store-store.js';
import type { Store, StoreAuthorization } from '../stores/store.js';

/** Batches store lookups (`_entities`, Product.store) into one query per request. */
export function storeLoader(stores: StoreStore): DataLoader<string, Store | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await stores.findByIds(ids)).map((store) => [store.id, store]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Batches the suppliers' authorisations every store's status needs. */
export function authorizationLoader(stores: StoreStore): DataLoader<string, StoreAuthorization | null> {
  return new DataLoader(async (supplierIds) => {
    const found = await stores.authorizationsOf(supplierIds);
    return supplierIds.map((id) => found.get(id) ?? null);
  });
}
