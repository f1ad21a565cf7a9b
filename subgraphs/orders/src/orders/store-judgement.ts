import type { GraphQLError } from 'graphql';
import { openingState, zonedDate, type GeoPoint } from '#kit';
import { authorizationValidOn, deliveryReach, pausedAt, type StoreSnapshot } from '../../../products/src/events/index.js';
import { orderErrors } from '../errors.js';

/**
 * Whether a store takes an order for `point` at `at`, judged with the store contract's own
 * functions (the ones storesNear lists stores by), so a store listed as delivering here and open
 * is one that takes the order. The first reason to refuse wins, from the most lasting (the store
 * is not trading) to the most local (this point is outside its area).
 */
export function judgeStore(
  store: StoreSnapshot,
  point: GeoPoint,
  at: Date,
): { refusal: GraphQLError; distanceMeters?: never } | { refusal?: never; distanceMeters: number } {
  const refuse = (refusal: GraphQLError) => ({ refusal });
  if (!store.active)
    return refuse(
      orderErrors.error('STORE_UNAVAILABLE', `The store ${store.name} is not taking orders: choose another store.`, {
        storeId: store.storeId,
      }),
    );
  const today = zonedDate(at, store.timeZone).date;
  if (!authorizationValidOn(store.authorization, today)) {
    const validUntil = store.authorization?.validUntil ?? null;
    return refuse(
      orderErrors.error(
        'AUTHORIZATION_EXPIRED',
        validUntil === null
          ? `The store ${store.name} has no ANP authorisation on record, so it may not sell gas: choose another store.`
          : `The store ${store.name}'s ANP authorisation expired on ${validUntil}, so it may not sell gas: choose another store.`,
        { storeId: store.storeId, validUntil },
      ),
    );
  }
  if (pausedAt(store.pause, at)) {
    const until = store.pause?.until ?? null;
    return refuse(
      orderErrors.error(
        'STORE_PAUSED',
        until === null ? `The store ${store.name} paused taking orders.` : `The store ${store.name} paused taking orders until ${until}.`,
        { storeId: store.storeId, until, reason: store.pause?.reason ?? null },
      ),
    );
  }
  const opening = openingState({ timeZone: store.timeZone, weekly: store.openingHours, exceptions: store.exceptions }, at);
  if (!opening.open) {
    const nextOpensAt = opening.nextOpensAt?.toISOString() ?? null;
    return refuse(
      orderErrors.error(
        'STORE_CLOSED',
        nextOpensAt === null
          ? `The store ${store.name} is closed and does not open within the next two weeks.`
          : `The store ${store.name} is closed; it opens at ${nextOpensAt}.`,
        { storeId: store.storeId, nextOpensAt },
      ),
    );
  }
  const storePoint = { latitude: store.address.latitude, longitude: store.address.longitude };
  const reach = deliveryReach(store.deliveryArea, storePoint, point);
  if (!reach.covered)
    return refuse(
      orderErrors.error(
        'OUTSIDE_DELIVERY_AREA',
        `The store ${store.name} does not deliver to this address (${reach.distanceMeters} m away; it delivers within ${store.deliveryArea.radiusMeters} m${store.deliveryArea.polygon === null ? '' : ' and inside its drawn area'}).`,
        { storeId: store.storeId, distanceMeters: reach.distanceMeters, radiusMeters: store.deliveryArea.radiusMeters },
      ),
    );
  return { distanceMeters: reach.distanceMeters };
}
