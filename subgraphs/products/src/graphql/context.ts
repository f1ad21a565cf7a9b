import DataLoader from 'dataloader';
import { hasRole, Role, type RequestContext, type Viewer } from '#kit';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { Product, ProductPage, ProductStore } from '../catalog/product-store.js';
import type { StoreService } from '../stores/store-service.js';
import type { StoresNearService } from '../nearby/stores-near-service.js';
import type { StoreStore } from '../stores/store-store.js';
import type { Store, StoreAuthorization } from '../stores/store.js';
import type { OpeningHoursMemo } from '../stores/opening-hours-memo.js';

export interface ProductsContext extends RequestContext {
  readonly catalog: CatalogService;
  readonly products: ProductStore;
  /** Batches `_entities` lookups of products into one query per request. */
  readonly productById: DataLoader<string, Product | null>;
  /** Batches the first page of `User.products` across every user of one request. */
  readonly firstPageBySupplier: DataLoader<{ supplierId: string; first: number }, ProductPage, string>;
  readonly storeService: StoreService;
  readonly storesNear: StoresNearService;
  /** Shared by every request: whether stores are open, until that changes. */
  readonly openingHours: OpeningHoursMemo;
  readonly stores: StoreStore;
  readonly storeById: DataLoader<string, Store | null>;
  readonly authorizationBySupplier: DataLoader<string, StoreAuthorization | null>;
  /** The instant this request judges stores at (open now, paused, authorised today), the same for every store of it. */
  readonly now: Date;
}

export function productLoader(products: ProductStore): DataLoader<string, Product | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await products.findByIds(ids)).map((product) => [product.id, product]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/**
 * Inactive products appear only on the viewer's own page (or any page for an
 * admin), so the visibility rule is part of the batch key.
 */
export function supplierPageLoader(
  products: ProductStore,
  viewer: Viewer | null,
): DataLoader<{ supplierId: string; first: number }, ProductPage, string> {
  const isAdmin = hasRole(viewer, Role.ADMIN);
  return new DataLoader(
    async (keys) => {
      const results = new Map<string, ProductPage>();
      const groups = new Map<string, string[]>();
      for (const { supplierId, first } of keys) {
        const includeInactive = isAdmin || viewer?.userId === supplierId;
        const group = `${first}:${includeInactive}`;
        groups.set(group, [...(groups.get(group) ?? []), supplierId]);
      }
      await Promise.all(
        [...groups].map(async ([group, supplierIds]) => {
          const [first, includeInactive] = group.split(':');
          const pages = await products.firstPagesBySupplier(supplierIds, Number(first), includeInactive === 'true');
          for (const [supplierId, page] of pages) results.set(`${supplierId}:${first}`, page);
        }),
      );
      return keys.map(({ supplierId, first }) => results.get(`${supplierId}:${first}`) ?? new Error('missing page'));
    },
    { cacheKeyFn: ({ supplierId, first }) => `${supplierId}:${first}` },
  );
}
