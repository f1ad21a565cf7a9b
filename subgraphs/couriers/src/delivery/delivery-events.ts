import { Events, pendingEvent, type EventOrigin, type PendingEvent } from '#kit';
import type { Delivery, DeliveryOffer } from './delivery-store.js';

const parties = (delivery: Delivery) => ({ orderId: delivery.orderId, customerId: delivery.customerId, supplierId: delivery.supplierId });

export const offeredEvent = (origin: EventOrigin, delivery: Delivery, offer: Pick<DeliveryOffer, 'id' | 'courierId' | 'distanceMeters' | 'expiresAt'>): PendingEvent =>
  pendingEvent(Events.courierOffered, origin, delivery.orderId, {
    ...parties(delivery),
    courierId: offer.courierId,
    offerId: offer.id,
    distanceMeters: offer.distanceMeters,
    expiresAt: offer.expiresAt.toISOString(),
  });

export const notFoundEvent = (origin: EventOrigin, delivery: Delivery, offersMade: number, at: Date): PendingEvent =>
  pendingEvent(Events.courierNotFound, origin, delivery.orderId, {
    ...parties(delivery),
    offersMade,
    searchedSince: delivery.searchStartedAt.toISOString(),
    at: at.toISOString(),
  });

export const assignedEvent = (origin: EventOrigin, delivery: Delivery, courierId: string, offerId: string, at: Date): PendingEvent =>
  pendingEvent(Events.courierAssigned, origin, delivery.orderId, { ...parties(delivery), courierId, offerId, assignedAt: at.toISOString() });

/** Says the code exists, never what it is: the customer reads it in the app. */
export const codeIssuedEvent = (origin: EventOrigin, delivery: Delivery, courierId: string, at: Date): PendingEvent =>
  pendingEvent(Events.deliveryCodeIssued, origin, delivery.orderId, { ...parties(delivery), courierId, issuedAt: at.toISOString() });

export const pickedUpEvent = (origin: EventOrigin, delivery: Delivery, courierId: string, at: Date): PendingEvent =>
  pendingEvent(Events.courierPickedUp, origin, delivery.orderId, { ...parties(delivery), courierId, pickedUpAt: at.toISOString() });

export const completedEvent = (origin: EventOrigin, delivery: Delivery, courierId: string, at: Date): PendingEvent =>
  pendingEvent(Events.deliveryCompleted, origin, delivery.orderId, { ...parties(delivery), courierId, completedAt: at.toISOString() });

export const locationEvent = (origin: EventOrigin, delivery: Delivery, courierId: string, latitude: number, longitude: number, at: Date): PendingEvent =>
  pendingEvent(Events.courierLocationUpdated, origin, delivery.orderId, { ...parties(delivery), courierId, latitude, longitude, recordedAt: at.toISOString() });
