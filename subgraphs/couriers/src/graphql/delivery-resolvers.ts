import { connection, decodeCursor, greatCircleMeters, hasRole, pageSize, Role, type EventOrigin, type Viewer } from '#kit';
import { routeOf } from '../delivery/assignment.js';
import { seesDelivery, type CourierLocation, type DeliveryListFilter, type EmptiesCollected } from '../delivery/delivery-service.js';
import type { Delivery, DeliveryOffer } from '../delivery/delivery-store.js';
import { routeLengthMeters, type TrackPoint } from '../delivery/track-store.js';
import type { CouriersContext } from './context.js';

/** Events caused by this request carry its correlation id. */
const origin = (context: CouriersContext): EventOrigin => ({ source: 'couriers', correlationId: context.correlationId });
const iso = (at: Date | null) => at?.toISOString() ?? null;
const order = (id: string) => ({ __typename: 'Order', id });
/** Courier objects in this subgraph are profiles (their `id` resolver reads `userId`). */
const courier = (id: string, context: CouriersContext) => context.profileByUserId.load(id);

/** The order's delivery, for the people the order concerns; null for anybody else. */
const visibleDelivery = async ({ id }: { id: string }, context: CouriersContext) => {
  const delivery = await context.deliveryByOrderId.load(id);
  return delivery !== null && seesDelivery(context.viewer, delivery) ? delivery : null;
};

/** The store, as the courier finds it; null for orders confirmed before stores. */
const pickupOf = (delivery: Delivery) => {
  const { storeId, storeName, pickupStreet, pickupNumber, pickupDistrict, pickupCity, pickupState, pickupLatitude, pickupLongitude } =
    delivery;
  if (storeId === null || pickupLatitude === null || pickupLongitude === null) return null;
  return {
    store: { __typename: 'Store', id: storeId },
    storeId,
    storeName: storeName ?? '',
    street: pickupStreet ?? '',
    number: pickupNumber ?? '',
    district: pickupDistrict ?? '',
    city: pickupCity ?? '',
    state: pickupState ?? '',
    latitude: pickupLatitude,
    longitude: pickupLongitude,
  };
};

/** Store to customer, great circle; null without a pickup. */
const dropOffLeg = (delivery: Delivery) => {
  const { pickup, dropOff } = routeOf(delivery);
  return pickup === null ? null : Math.round(greatCircleMeters(pickup, dropOff));
};

/**
 * The customer's point: its courier sees it while carrying the order (as Order shows the address
 * then); the customer, the supplier and admins always.
 */
const seesDropOff = (viewer: Viewer | null, delivery: Delivery) =>
  viewer !== null &&
  (viewer.userId === delivery.customerId ||
    viewer.userId === delivery.supplierId ||
    hasRole(viewer, Role.ADMIN) ||
    (viewer.userId === delivery.courierId && (delivery.status === 'ASSIGNED' || delivery.status === 'PICKED_UP')));

const offerDelivery = (offer: DeliveryOffer, context: CouriersContext) => context.deliveryByOrderId.load(offer.orderId);

/** Offers, assignment, pickup, the delivery code and live position (issue 7); from the store (issue 17). */
export const deliveryResolvers = {
  Query: {
    myDeliveryOffers: (_root: unknown, _args: unknown, context: CouriersContext) => context.deliveries.myOffers(context.viewer),
    myDeliveries: async (
      _root: unknown,
      args: { filter?: DeliveryListFilter | null; first?: number | null; after?: string | null },
      context: CouriersContext,
    ) => {
      const after = decodeCursor(args.after);
      const page = await context.deliveries.myDeliveries(context.viewer, {
        filter: args.filter ?? null,
        first: pageSize(args.first),
        ...(after === undefined ? {} : { after }),
      });
      // The cursor's id is the order's: a delivery is one per order.
      return connection(
        page.deliveries.map((delivery) => ({ ...delivery, id: delivery.orderId })),
        page.hasNextPage,
        page.totalCount,
      );
    },
    courierLocation: (_root: unknown, { orderId }: { orderId: string }, context: CouriersContext) =>
      context.deliveries.courierLocation(context.viewer, orderId),
  },
  Mutation: {
    acceptDeliveryOffer: (_root: unknown, { offerId }: { offerId: string }, context: CouriersContext) =>
      context.deliveries.accept(context.viewer, offerId, origin(context)),
    declineDeliveryOffer: (_root: unknown, { offerId }: { offerId: string }, context: CouriersContext) =>
      context.deliveries.decline(context.viewer, offerId),
    pickUpOrder: (_root: unknown, { orderId }: { orderId: string }, context: CouriersContext) =>
      context.deliveries.pickUp(context.viewer, orderId, origin(context)),
    confirmDelivery: (
      _root: unknown,
      args: { orderId: string; code: string; emptiesCollected?: EmptiesCollected[] | null },
      context: CouriersContext,
    ) => context.deliveries.complete(context.viewer, args.orderId, args.code, args.emptiesCollected ?? null, origin(context)),
    updateCourierLocation: (_root: unknown, args: { orderId: string; latitude: number; longitude: number }, context: CouriersContext) =>
      context.deliveries.updateLocation(context.viewer, args.orderId, args.latitude, args.longitude, origin(context)),
  },
  Order: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    courier: async (parent: { id: string }, _args: unknown, context: CouriersContext) => {
      const delivery = await visibleDelivery(parent, context);
      return delivery?.courierId ? courier(delivery.courierId, context) : null;
    },
    delivery: (parent: { id: string }, _args: unknown, context: CouriersContext) => visibleDelivery(parent, context),
    deliveryCode: async ({ id }: { id: string }, _args: unknown, context: CouriersContext) => {
      const delivery = await context.deliveryByOrderId.load(id);
      return delivery === null ? null : context.deliveries.codeFor(context.viewer, delivery);
    },
  },
  Delivery: {
    order: (delivery: Delivery) => order(delivery.orderId),
    courier: (delivery: Delivery, _args: unknown, context: CouriersContext) =>
      delivery.courierId === null ? null : courier(delivery.courierId, context),
    pickup: pickupOf,
    dropOff: (delivery: Delivery, _args: unknown, context: CouriersContext) =>
      seesDropOff(context.viewer, delivery) ? { latitude: delivery.latitude, longitude: delivery.longitude } : null,
    dropOffDistanceMeters: dropOffLeg,
    promisedBy: (delivery: Delivery) => iso(delivery.promisedBy),
    assignedAt: (delivery: Delivery) => iso(delivery.assignedAt),
    pickedUpAt: (delivery: Delivery) => iso(delivery.pickedUpAt),
    deliveredAt: (delivery: Delivery) => iso(delivery.deliveredAt),
    // Visible to whoever sees the delivery, which resolved it.
    route: (delivery: Delivery, _args: unknown, context: CouriersContext) => context.routeByOrderId.load(delivery.orderId),
    distanceTravelledMeters: async (delivery: Delivery, _args: unknown, context: CouriersContext) =>
      routeLengthMeters(await context.routeByOrderId.load(delivery.orderId)),
  },
  TrackPoint: {
    recordedAt: (point: TrackPoint) => point.recordedAt.toISOString(),
  },
  DeliveryOffer: {
    order: (offer: DeliveryOffer) => order(offer.orderId),
    // Offers are read by the courier they were made to, who needs to know what and where.
    pickup: async (offer: DeliveryOffer, _args: unknown, context: CouriersContext) => {
      const delivery = await offerDelivery(offer, context);
      return delivery === null ? null : pickupOf(delivery);
    },
    cylinderCount: async (offer: DeliveryOffer, _args: unknown, context: CouriersContext) =>
      (await offerDelivery(offer, context))?.cylinderCount ?? 0,
    cylinders: async (offer: DeliveryOffer, _args: unknown, context: CouriersContext) =>
      (await offerDelivery(offer, context))?.cylinders ?? [],
    promisedBy: async (offer: DeliveryOffer, _args: unknown, context: CouriersContext) =>
      iso((await offerDelivery(offer, context))?.promisedBy ?? null),
    deliveryLatitude: async (offer: DeliveryOffer, _args: unknown, context: CouriersContext) =>
      (await context.deliveryByOrderId.load(offer.orderId))?.latitude ?? 0,
    deliveryLongitude: async (offer: DeliveryOffer, _args: unknown, context: CouriersContext) =>
      (await context.deliveryByOrderId.load(offer.orderId))?.longitude ?? 0,
    offeredAt: (offer: DeliveryOffer) => offer.offeredAt.toISOString(),
    expiresAt: (offer: DeliveryOffer) => offer.expiresAt.toISOString(),
  },
  CourierLocation: {
    courier: (location: CourierLocation, _args: unknown, context: CouriersContext) => courier(location.courierId, context),
    recordedAt: (location: CourierLocation) => location.recordedAt.toISOString(),
  },
};
