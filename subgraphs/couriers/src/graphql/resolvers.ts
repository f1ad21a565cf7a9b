import type { CourierAvailability } from '../database.js';
import type { CourierProfileInput } from '../profiles/profile-input.js';
import { seesFleet, seesPrivateDetails } from '../profiles/profile-service.js';
import type { CourierProfile } from '../profiles/profile-store.js';
import type { CouriersContext } from './context.js';
import { deliveryResolvers } from './delivery-resolvers.js';

export const resolvers = {
  Query: {
    myCourierProfile: (_root: unknown, _args: unknown, context: CouriersContext) => context.couriers.mine(context.viewer),
    courier: (_root: unknown, { id }: { id: string }, context: CouriersContext) => context.couriers.byId(context.viewer, id),
    myFleet: (_root: unknown, _args: unknown, context: CouriersContext) => context.couriers.myFleet(context.viewer),
    ...deliveryResolvers.Query,
  },
  Mutation: {
    saveCourierProfile: (_root: unknown, { input }: { input: CourierProfileInput }, context: CouriersContext) =>
      context.couriers.save(context.viewer, input),
    setCourierAvailability: (_root: unknown, { availability }: { availability: CourierAvailability }, context: CouriersContext) =>
      context.couriers.setAvailability(context.viewer, availability),
    addFleetCourier: (_root: unknown, { courierId }: { courierId: string }, context: CouriersContext) =>
      context.couriers.addFleetCourier(context.viewer, courierId),
    removeFleetCourier: (_root: unknown, { courierId }: { courierId: string }, context: CouriersContext) =>
      context.couriers.removeFleetCourier(context.viewer, courierId),
    leaveFleet: (_root: unknown, _args: unknown, context: CouriersContext) => context.couriers.leaveFleet(context.viewer),
    ...deliveryResolvers.Mutation,
  },
  Courier: {
    // Other subgraphs (orders, in issue 7) show a courier to the people an order concerns; the
    // personal fields below guard themselves.
    __resolveReference: (reference: { id: string }, context: CouriersContext) => context.profileByUserId.load(reference.id),
    id: (profile: CourierProfile) => profile.userId,
    user: (profile: CourierProfile) => ({ __typename: 'User', id: profile.userId }),
    vehiclePlate: (profile: CourierProfile, _args: unknown, context: CouriersContext) =>
      seesPrivateDetails(context.viewer, profile.userId) ? profile.vehiclePlate : null,
    serviceArea: (profile: CourierProfile, _args: unknown, context: CouriersContext) =>
      seesPrivateDetails(context.viewer, profile.userId)
        ? {
            latitude: profile.serviceAreaLatitude,
            longitude: profile.serviceAreaLongitude,
            radiusKm: profile.serviceAreaRadiusMeters / 1000,
          }
        : null,
    capacity: (profile: CourierProfile) => profile.capacities,
    capacityCylinders: (profile: CourierProfile) => Math.max(0, ...profile.capacities.map((capacity) => capacity.quantity)),
    fleet: (profile: CourierProfile, _args: unknown, context: CouriersContext) =>
      profile.fleetSupplierId !== null && seesFleet(context.viewer, profile) ? { __typename: 'User', id: profile.fleetSupplierId } : null,
    availabilityChangedAt: (profile: CourierProfile) => profile.availabilityChangedAt.toISOString(),
  },
  Order: deliveryResolvers.Order,
  Delivery: deliveryResolvers.Delivery,
  DeliveryOffer: deliveryResolvers.DeliveryOffer,
  CourierLocation: deliveryResolvers.CourierLocation,
  User: {
    courierProfile: ({ id }: { id: string }, _args: unknown, context: CouriersContext) =>
      seesPrivateDetails(context.viewer, id) ? context.profileByUserId.load(id) : null,
  },
};
