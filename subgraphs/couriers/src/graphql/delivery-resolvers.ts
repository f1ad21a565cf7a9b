import { connection, decodeCursor, pageSize, type EventOrigin } from '#kit';
import { seesDelivery, type CourierLocation, type DeliveryListFilter } from '../delivery/delivery-service.js';
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

/** Offers, assignment, pickup, the delivery code and live position (issue 7). */
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
    confirmDelivery: (_root: unknown, { orderId, code }: { orderId: string; code: string }, context: CouriersContext) =>
      context.deliveries.complete(context.viewer, orderId, code, origin(context)),
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
    cylinderCount: async (offer: DeliveryOffer, _args: unknown, context: CouriersContext) =>
      (await context.deliveryByOrderId.load(offer.orderId))?.cylinderCount ?? 0,
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
