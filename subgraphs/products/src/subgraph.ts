import { loadTypeDefs, subgraphSchemaPath, type Database, type SubgraphDefinition } from '#kit';
import { CatalogService } from './catalog/catalog-service.js';
import { productStore } from './catalog/product-store.js';
import type { ProductsDatabase } from './database.js';
import { productLoader, supplierPageLoader, type ProductsContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';

/** Assembles the products subgraph from its database. Starts nothing. */
export function createProductsSubgraph(database: Database<ProductsDatabase>): SubgraphDefinition<ProductsContext> {
  const products = productStore(database.client);
  const catalog = new CatalogService(products);
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
    }),
    readiness: { database: () => database.ping() },
  };
}
