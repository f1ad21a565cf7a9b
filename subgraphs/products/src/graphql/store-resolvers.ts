import type { GraphQLResolveInfo } from 'graphql';
import { cacheControlFromInfo } from '@apollo/cache-control-types';
import { connection, decodeCursor, forbidden, hasRole, invalidInput, isUuid, pageSize, requireRole, Role, type EventOrigin } from '#kit';
import { managesStore } from '../stores/store-service.js';
import type { SaveStoreInput } from '../stores/store-input.js';
import { closedReason, storeState, type StoreState } from '../stores/store-status.js';
import type { Store } from '../stores/store.js';
import type { NearbyStore, StoresNearQuery } from '../nearby/stores-near-service.js';
import type { ProductsContext } from './context.js';

const origin = (context: ProductsContext): EventOrigin => ({ source: 'products', correlationId: context.correlationId });

/** Everybody sees a listed store (active, with an address); its owner and admins see it in any state. */
export function storeVisibleTo(context: ProductsContext, store: Store | null): Store | null {
  if (store === null) return null;
  return (store.active && store.address !== null) || managesStore(context.viewer, store) ? store : null;
}

export async function visibleStore(id: string, context: ProductsContext): Promise<Store | null> {
  return storeVisibleTo(context, await context.storeById.load(id));
}

async function stateOf(store: Store, context: ProductsContext): Promise<StoreState> {
  return storeState(
    store,
    await context.authorizationBySupplier.load(store.supplierId),
    context.now,
    context.openingHours.stateOf(store, context.now),
  );
}

const money = (amount: number, currency: string) => ({ amount, currency });

export const storeResolvers = {
  Query: {
    store: (_root: unknown, { id }: { id: string }, context: ProductsContext, info: GraphQLResolveInfo) => {
      // A signed-in viewer may be the owner and see more: never a shared cache entry.
      if (context.viewer !== null) cacheControlFromInfo(info).setCacheHint({ scope: 'PRIVATE' });
      return visibleStore(id, context);
    },
    storesNear: (_root: unknown, args: StoresNearQuery, context: ProductsContext, info: GraphQLResolveInfo) => {
      // Anonymous answers are shared; a signed-in viewer's may use their saved address.
      if (context.viewer !== null) cacheControlFromInfo(info).setCacheHint({ scope: 'PRIVATE' });
      return context.storesNear.find(context.viewer, args, context.now);
    },
    myStores: async (_root: unknown, { supplierId }: { supplierId?: string | null }, context: ProductsContext) => {
      const actor = requireRole(context.viewer, Role.SUPPLIER, Role.ADMIN);
      if (supplierId && !isUuid(supplierId)) throw invalidInput([{ field: 'supplierId', message: 'is not a user id' }]);
      if (supplierId && supplierId !== actor.userId && !hasRole(actor, Role.ADMIN)) {
        throw forbidden('Suppliers see their own stores; leave supplierId out.');
      }
      const owner = supplierId ?? actor.userId;
      const stores = await context.stores.listBySupplier(owner);
      for (const store of stores) context.storeById.prime(store.id, store);
      return stores;
    },
  },
  Mutation: {
    saveStore: (_root: unknown, { input }: { input: SaveStoreInput }, context: ProductsContext) =>
      context.storeService.save(context.viewer, input, origin(context)),
    pauseStore: (
      _root: unknown,
      { storeId, until, reason }: { storeId: string; until?: Date | null; reason?: string | null },
      context: ProductsContext,
    ) => context.storeService.pause(context.viewer, storeId, until ?? null, reason ?? null, origin(context)),
    resumeStore: (_root: unknown, { storeId }: { storeId: string }, context: ProductsContext) =>
      context.storeService.resume(context.viewer, storeId, origin(context)),
  },
  StoreNearby: {
    cheapestPrice: (result: NearbyStore) => money(result.cheapestPriceAmount, result.currency),
    subtotal: (result: NearbyStore) => money(result.subtotalAmount, result.currency),
    deliveryFee: (result: NearbyStore) => money(result.deliveryFeeAmount, result.currency),
    total: (result: NearbyStore) => money(result.totalAmount, result.currency),
  },
  Store: {
    __resolveReference: (reference: { id: string }, context: ProductsContext) => visibleStore(reference.id, context),
    owner: (store: Store) => ({ __typename: 'User', id: store.supplierId }),
    deliveryArea: (store: Store) => ({ radiusKm: store.deliveryArea.radiusMeters / 1000, polygon: store.deliveryArea.polygon }),
    status: async (store: Store, _args: unknown, context: ProductsContext) => (await stateOf(store, context)).status,
    openNow: async (store: Store, _args: unknown, context: ProductsContext) => (await stateOf(store, context)).openNow,
    opensAt: async (store: Store, _args: unknown, context: ProductsContext) =>
      (await stateOf(store, context)).opensAt?.toISOString() ?? null,
    closesAt: async (store: Store, _args: unknown, context: ProductsContext) =>
      (await stateOf(store, context)).closesAt?.toISOString() ?? null,
    pause: async (store: Store, _args: unknown, context: ProductsContext) => {
      if (store.pause === null || !(await stateOf(store, context)).pauseHolds) return null;
      return { reason: store.pause.reason, since: store.pause.since.toISOString(), until: store.pause.until?.toISOString() ?? null };
    },
    authorization: (store: Store, _args: unknown, context: ProductsContext) => context.authorizationBySupplier.load(store.supplierId),
    closedReason: async (store: Store, _args: unknown, context: ProductsContext) => {
      if (!managesStore(context.viewer, store)) return null;
      const authorization = await context.authorizationBySupplier.load(store.supplierId);
      return closedReason(store, authorization, await stateOf(store, context));
    },
    minimumOrder: (store: Store) => money(store.minimumOrderAmount, store.currency),
    deliveryFeeRule: (store: Store) => ({
      base: money(store.deliveryFee.baseAmount, store.currency),
      perKm: money(store.deliveryFee.perKmAmount, store.currency),
      freeAbove: store.deliveryFee.freeAboveAmount === null ? null : money(store.deliveryFee.freeAboveAmount, store.currency),
    }),
    autoAccept: (store: Store, _args: unknown, context: ProductsContext) => (managesStore(context.viewer, store) ? store.autoAccept : null),
    products: async (store: Store, page: { first?: number | null; after?: string | null }, context: ProductsContext) => {
      const result = await context.products.list({
        storeId: store.id,
        includeInactive: managesStore(context.viewer, store),
        first: pageSize(page.first),
        ...(page.after ? { after: decodeCursor(page.after) } : {}),
      });
      return connection(result.products, result.hasNextPage, result.totalCount);
    },
    createdAt: (store: Store) => store.createdAt.toISOString(),
    updatedAt: (store: Store) => store.updatedAt.toISOString(),
  },
};
