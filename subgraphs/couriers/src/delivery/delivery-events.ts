import { pendingEvent, type EventOrigin, type PendingEvent } from '#kit';
import type { CylinderType } from '../database.js';
import type { Delivery, DeliveryOffer } from './delivery-store.js';
import { CourierEvents } from '../events/index.js';

const parties = (delivery: Delivery) => ({ orderId: delivery.orderId, customerId: delivery.customerId, supplierId: delivery.supplierId });

export const offeredEvent = (
  origin: EventOrigin,
  delivery: Delivery,
  offer: Pick<DeliveryOffer, 'id' | 'courierId' | 'distanceMeters' | 'pickupDistanceMeters' | 'dropOffDistanceMeters' | 'expiresAt'>,
): PendingEvent =>
  pendingEvent(CourierEvents.offered, origin, delivery.orderId, {
    ...parties(delivery),
    courierId: offer.courierId,
    offerId: offer.id,
    distanceMeters: offer.distanceMeters,
    ...(offer.pickupDistanceMeters === null ? {} : { pickupDistanceMeters: offer.pickupDistanceMeters }),
    ...(offer.dropOffDistanceMeters === null ? {} : { dropOffDistanceMeters: offer.dropOffDistanceMeters }),
    expiresAt: offer.expiresAt.toISOString(),
  });

export const notFoundEvent = (origin: EventOrigin, delivery: Delivery, offersMade: number, at: Date): PendingEvent =>
  pendingEvent(CourierEvents.notFound, origin, delivery.orderId, {
    ...parties(delivery),
    offersMade,
    searchedSince: delivery.searchStartedAt.toISOString(),
    at: at.toISOString(),
  });

export const assignedEvent = (origin: EventOrigin, delivery: Delivery, courierId: string, offerId: string, at: Date): PendingEvent =>
  pendingEvent(CourierEvents.assigned, origin, delivery.orderId, {
    ...parties(delivery),
    courierId,
    offerId,
    assignedAt: at.toISOString(),
  });

/** Says the code exists, never what it is: the customer reads it in the app. */
export const codeIssuedEvent = (origin: EventOrigin, delivery: Delivery, courierId: string, at: Date): PendingEvent =>
  pendingEvent(CourierEvents.deliveryCodeIssued, origin, delivery.orderId, { ...parties(delivery), courierId, issuedAt: at.toISOString() });

export const pickedUpEvent = (origin: EventOrigin, delivery: Delivery, courierId: string, at: Date): PendingEvent =>
  pendingEvent(CourierEvents.pickedUp, origin, delivery.orderId, { ...parties(delivery), courierId, pickedUpAt: at.toISOString() });

/** Carries the empties collected per class whenever the delivery had empties to collect (troca). */
export const completedEvent = (
  origin: EventOrigin,
  delivery: Delivery,
  courierId: string,
  emptiesCollected: ReadonlyMap<CylinderType, number>,
  at: Date,
): PendingEvent => {
  const expected = delivery.cylinders.filter((cylinder) => cylinder.emptiesToCollect > 0);
  return pendingEvent(CourierEvents.deliveryCompleted, origin, delivery.orderId, {
    ...parties(delivery),
    courierId,
    ...(expected.length === 0
      ? {}
      : {
          emptiesCollected: expected.map(({ cylinderType }) => ({ cylinderType, quantity: emptiesCollected.get(cylinderType) ?? 0 })),
        }),
    completedAt: at.toISOString(),
  });
};

export const locationEvent = (
  origin: EventOrigin,
  delivery: Delivery,
  courierId: string,
  latitude: number,
  longitude: number,
  at: Date,
): PendingEvent =>
  pendingEvent(CourierEvents.locationUpdated, origin, delivery.orderId, {
    ...parties(delivery),
    courierId,
    latitude,
    longitude,
    recordedAt: at.toISOString(),
  });
