import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { DeliveryService } from '../delivery/delivery-service.js';
import type { Delivery, DeliveryStore } from '../delivery/delivery-store.js';
import type { TrackPoint, TrackStore } from '../delivery/track-store.js';
import type { CourierProfileService } from '../profiles/profile-service.js';
import type { CourierProfile, CourierProfileStore } from '../profiles/profile-store.js';

export interface CouriersContext extends RequestContext {
  readonly couriers: CourierProfileService;
  readonly deliveries: DeliveryService;
  /** Batches `_entities` lookups and `User.courierProfile` into one query per request. */
  readonly profileByUserId: DataLoader<string, CourierProfile | null>;
  /** Batches `Order.courier`, `Order.delivery` and `Order.deliveryCode` across a list of orders. */
  readonly deliveryByOrderId: DataLoader<string, Delivery | null>;
  /** One read of a delivery's route per request, shared by `Delivery.route` and `distanceTravelledMeters`. */
  readonly routeByOrderId: DataLoader<string, TrackPoint[]>;
}

export function profileLoader(profiles: CourierProfileStore): DataLoader<string, CourierProfile | null> {
  return new DataLoader(async (userIds) => {
    const found = new Map((await profiles.findByUserIds(userIds)).map((profile) => [profile.userId, profile]));
    return userIds.map((userId) => found.get(userId) ?? null);
  });
}

export function routeLoader(tracks: TrackStore): DataLoader<string, TrackPoint[]> {
  return new DataLoader(async (orderIds) => {
    const routes = await tracks.routesOf(orderIds);
    return orderIds.map((orderId) => routes.get(orderId) ?? []);
  });
}

export function deliveryLoader(deliveries: DeliveryStore): DataLoader<string, Delivery | null> {
  return new DataLoader(async (orderIds) => {
    const found = new Map((await deliveries.findDeliveries(orderIds)).map((delivery) => [delivery.orderId, delivery]));
    return orderIds.map((orderId) => found.get(orderId) ?? null);
  });
}
