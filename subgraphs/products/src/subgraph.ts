import { loadTypeDefs, subgraphSchemaPath, type Database, type SubgraphDefinition } from '#kit';
import { CatalogService } from './catalog/catalog-service.js';
import { productStore } from './catalog/product-store.js';
import type { ProductsDatabase } from './database.js';
import { productLoader, supplierPageLoader, type ProductsContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { authorizationLoader, storeLoader } from './graphql/store-loaders.js';
import { StoreService } from './stores/store-service.js';
import { storeStore } from './stores/store-store.js';
import { StoresNearService } from './nearby/stores-near-service.js';
import { OpeningHoursMemo } from './stores/opening-hours-memo.js';
import { nearbyStoreStore } from './nearby/nearby-store-store.js';
import { addressPointStore } from './nearby/address-point-store.js';

/** Assembles the products subgraph from its database. Starts nothing. */
export function createProductsSubgraph(database: Database<ProductsDatabase>): SubgraphDefinition<ProductsContext> {
  const products = productStore(database.client);
  const stores = storeStore(database.client);
  const catalog = new CatalogService(products, stores);
  const storeService = new StoreService(stores, products);
  const openingHours = new OpeningHoursMemo();
  const storesNear = new StoresNearService(nearbyStoreStore(database.pool), addressPointStore(database.client), openingHours);
  return {
    name: 'products',
    typeDefs: loadTypeDefs(subgraphSchemaPath('products')),
    resolvers,
    createContext: (request) => ({
      ...request,
      catalog,
      products,
      productById: productLoader(products),
      firstPageBySupplier: supplierPageLoader(products, request.viewer),
      storeService,
      storesNear,
      openingHours,
      stores,
      storeById: storeLoader(stores),
      authorizationBySupplier: authorizationLoader(stores),
      now: new Date(),
    }),
    readiness: { database: () => database.ping() },
  };
}
