import { randomUUID } from 'node:crypto';
import { greatCircleMeters, type EventOrigin, type Logger } from '#kit';
import type { CouriersTransaction } from '../profiles/profile-store.js';
import type { Point } from './distance.js';
import { notFoundEvent, offeredEvent } from './delivery-events.js';
import type { VehicleCylinderRules } from '../profiles/vehicles.js';
import type { CandidateCourier, Delivery, DeliveryStore } from './delivery-store.js';

export interface AssignmentSettings {
  offerSeconds: number;
  assignmentTimeoutSeconds: number;
  vehicleCylinderClasses: VehicleCylinderRules;
}

/** The courier an offer goes to, and the ride it asks of them. */
export interface RankedCourier {
  userId: string;
  /** The whole ride: to the store and on to the customer, or straight to the customer without a pickup. */
  distanceMeters: number;
  /** Courier to store; null without a pickup. */
  pickupDistanceMeters: number | null;
  /** Store to customer; null without a pickup. */
  dropOffDistanceMeters: number | null;
  /** Rides in the fleet of the order's supplier. */
  fleet: boolean;
}

/** Where a delivery starts and ends; orders confirmed before stores have no pickup. */
export interface Route {
  pickup: Point | null;
  dropOff: Point;
}

const covers = (candidate: CandidateCourier, point: Point) => greatCircleMeters(candidate.areaCentre, point) <= candidate.radiusMeters;

/**
 * The candidates who may take the delivery, best first. A courier's service area is where they
 * agreed to ride, so it must contain both the store and the customer. The supplier's own fleet
 * comes before the platform's couriers; within each, the shortest ride wins: from the courier
 * (live position when there is one, else the area's centre) to the store, plus the store to the
 * customer — the second leg is the same for everyone today, but it is what the courier rides.
 * Without a pickup (older orders) the ride is straight to the customer. Ties go to the lower id,
 * so every instance ranks couriers the same way.
 */
export function rankCouriers(candidates: readonly CandidateCourier[], route: Route, supplierId: string): RankedCourier[] {
  const { pickup, dropOff } = route;
  const dropOffLeg = pickup === null ? null : Math.round(greatCircleMeters(pickup, dropOff));
  const ranked: RankedCourier[] = [];
  for (const candidate of candidates) {
    if (!covers(candidate, dropOff) || (pickup !== null && !covers(candidate, pickup))) continue;
    const from = candidate.position ?? candidate.areaCentre;
    const firstLeg = Math.round(greatCircleMeters(from, pickup ?? dropOff));
    ranked.push({
      userId: candidate.userId,
      distanceMeters: firstLeg + (dropOffLeg ?? 0),
      pickupDistanceMeters: pickup === null ? null : firstLeg,
      dropOffDistanceMeters: dropOffLeg,
      fleet: candidate.fleetSupplierId === supplierId,
    });
  }
  return ranked.sort(
    (a, b) =>
      Number(b.fleet) - Number(a.fleet) || a.distanceMeters - b.distanceMeters || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
}

/** Where a delivery is picked up and dropped off. */
export function routeOf(delivery: Delivery): Route {
  const { pickupLatitude, pickupLongitude } = delivery;
  return {
    pickup: pickupLatitude === null || pickupLongitude === null ? null : { latitude: pickupLatitude, longitude: pickupLongitude },
    dropOff: { latitude: delivery.latitude, longitude: delivery.longitude },
  };
}

export interface Assignment {
  /**
   * For a locked searching delivery with no open offer: gives up with courier.not_found once
   * the search has lasted too long, else offers it to the nearest courier not yet tried.
   * Finding nobody now leaves it searching, for the next sweep.
   */
  offerNext(
    transaction: CouriersTransaction,
    delivery: Delivery,
    origin: EventOrigin,
    logger: Logger,
  ): Promise<'offered' | 'waiting' | 'not_found'>;
}

export function assignment(deliveries: DeliveryStore, settings: AssignmentSettings): Assignment {
  return {
    async offerNext(transaction, delivery, origin, logger) {
      const now = new Date();
      if (now.getTime() - delivery.searchStartedAt.getTime() >= settings.assignmentTimeoutSeconds * 1000) {
        const offersMade = await deliveries.countOffers(transaction, delivery.orderId);
        await deliveries.moveDelivery(transaction, delivery.orderId, 'SEARCHING', { status: 'NOT_FOUND' }, [
          notFoundEvent(origin, delivery, offersMade, now),
        ]);
        logger.warn({ orderId: delivery.orderId, offersMade }, 'no courier found for the order');
        return 'not_found';
      }
      const route = routeOf(delivery);
      // Two orders searched at the same moment can rank the same free courier first. A courier
      // holds at most one open offer (a partial unique index), so the second order's offer is
      // not written and it goes to its next courier instead.
      for (const courier of rankCouriers(
        await deliveries.candidates(transaction, delivery.orderId, route.pickup ?? route.dropOff, settings.vehicleCylinderClasses),
        route,
        delivery.supplierId,
      )) {
        const offer = {
          id: randomUUID(),
          orderId: delivery.orderId,
          courierId: courier.userId,
          distanceMeters: courier.distanceMeters,
          pickupDistanceMeters: courier.pickupDistanceMeters,
          dropOffDistanceMeters: courier.dropOffDistanceMeters,
          offeredAt: now,
          expiresAt: new Date(now.getTime() + settings.offerSeconds * 1000),
        };
        if (!(await deliveries.createOffer(transaction, offer, [offeredEvent(origin, delivery, offer)]))) continue;
        logger.info(
          { orderId: delivery.orderId, courierId: courier.userId, distanceMeters: courier.distanceMeters, fleet: courier.fleet },
          'delivery offered',
        );
        return 'offered';
      }
      return 'waiting';
    },
  };
}
