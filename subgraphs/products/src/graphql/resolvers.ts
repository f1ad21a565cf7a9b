import type { GraphQLResolveInfo } from 'graphql';
import { cacheControlFromInfo } from '@apollo/cache-control-types';
import { connection, decodeCursor, hasRole, invalidInput, isUuid, pageSize, Role, type EventOrigin } from '#kit';
import { managesProduct, type CreateProductInput } from '../catalog/catalog-service.js';
import type { ProductFields } from '../catalog/product-input.js';
import type { Product } from '../catalog/product-store.js';
import type { CylinderType } from '../database.js';
import type { ProductsContext } from './context.js';
import { storeResolvers, visibleStore } from './store-resolvers.js';
import type { SaleType } from '../events/index.js';

interface ProductFilterInput {
  search?: string | null;
  cylinderType?: CylinderType | null;
  supplierId?: string | null;
  storeId?: string | null;
  saleType?: SaleType | null;
}

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Events caused by this request carry its correlation id. */
const origin = (context: ProductsContext): EventOrigin => ({ source: 'products', correlationId: context.correlationId });

async function visibleProduct(id: string, context: ProductsContext): Promise<Product | null> {
  const product = await context.productById.load(id);
  return product !== null && (product.active || managesProduct(context.viewer, product)) ? product : null;
}

/** A signed-in viewer may see more (inactive products, thresholds): never a shared cache entry. */
function privateToSignedInViewers(context: ProductsContext, info: GraphQLResolveInfo): void {
  if (context.viewer !== null) cacheControlFromInfo(info).setCacheHint({ scope: 'PRIVATE' });
}

export const resolvers = {
  Query: {
    ...storeResolvers.Query,
    product: (_root: unknown, { id }: { id: string }, context: ProductsContext, info: GraphQLResolveInfo) => {
      privateToSignedInViewers(context, info);
      return visibleProduct(id, context);
    },
    products: async (
      _root: unknown,
      { filter, ...page }: PageArgs & { filter?: ProductFilterInput | null },
      context: ProductsContext,
      info: GraphQLResolveInfo,
    ) => {
      privateToSignedInViewers(context, info);
      const search = filter?.search?.trim();
      if (filter?.supplierId && !isUuid(filter.supplierId)) {
        throw invalidInput([{ field: 'filter.supplierId', message: 'is not a user id' }]);
      }
      if (filter?.storeId && !isUuid(filter.storeId)) {
        throw invalidInput([{ field: 'filter.storeId', message: 'is not a store id' }]);
      }
      const result = await context.products.list({
        first: pageSize(page.first),
        ...(page.after ? { after: decodeCursor(page.after) } : {}),
        ...(search ? { search } : {}),
        ...(filter?.cylinderType ? { cylinderType: filter.cylinderType } : {}),
        ...(filter?.supplierId ? { supplierId: filter.supplierId } : {}),
        ...(filter?.storeId ? { storeId: filter.storeId } : {}),
        ...(filter?.saleType ? { saleType: filter.saleType } : {}),
      });
      return connection(result.products, result.hasNextPage, result.totalCount);
    },
  },
  Mutation: {
    ...storeResolvers.Mutation,
    createProduct: (_root: unknown, { input }: { input: CreateProductInput }, context: ProductsContext) =>
      context.catalog.create(context.viewer, input, origin(context)),
    updateProduct: (_root: unknown, { id, input }: { id: string; input: ProductFields }, context: ProductsContext) =>
      context.catalog.update(context.viewer, id, input, origin(context)),
    deleteProduct: (_root: unknown, { id }: { id: string }, context: ProductsContext) =>
      context.catalog.delete(context.viewer, id, origin(context)),
  },
  Product: {
    __resolveReference: (reference: { id: string }, context: ProductsContext) => visibleProduct(reference.id, context),
    sizeKg: (product: Product) => product.sizeGrams / 1000,
    lowStockThreshold: (product: Product, _args: unknown, context: ProductsContext) =>
      managesProduct(context.viewer, product) ? product.lowStockThreshold : null,
    price: (product: Product) => ({ amount: product.priceCents, currency: product.currency }),
    supplier: (product: Product) => ({ __typename: 'User', id: product.supplierId }),
    store: (product: Product, _args: unknown, context: ProductsContext) => visibleStore(product.storeId, context),
    createdAt: (product: Product) => product.createdAt.toISOString(),
    updatedAt: (product: Product) => product.updatedAt.toISOString(),
  },
  Store: storeResolvers.Store,
  StoreNearby: storeResolvers.StoreNearby,
  User: {
    products: async ({ id }: { id: string }, page: PageArgs, context: ProductsContext) => {
      const first = pageSize(page.first);
      if (!page.after) {
        const result = await context.firstPageBySupplier.load({ supplierId: id, first });
        return connection(result.products, result.hasNextPage, result.totalCount);
      }
      const includeInactive = hasRole(context.viewer, Role.ADMIN) || context.viewer?.userId === id;
      const result = await context.products.list({ supplierId: id, includeInactive, first, after: decodeCursor(page.after) });
      return connection(result.products, result.hasNextPage, result.totalCount);
    },
  },
};
