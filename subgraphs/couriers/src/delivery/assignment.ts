import { randomUUID } from 'node:crypto';
import type { EventOrigin, Logger } from '#kit';
import type { CouriersTransaction } from '../profiles/profile-store.js';
import { greatCircleMeters } from './distance.js';
import { notFoundEvent, offeredEvent } from './delivery-events.js';
import type { CandidateCourier, Delivery, DeliveryStore } from './delivery-store.js';

export interface AssignmentSettings {
  offerSeconds: number;
  assignmentTimeoutSeconds: number;
}

/** The courier an offer goes to, and how far they are from the delivery point. */
export interface RankedCourier {
  userId: string;
  distanceMeters: number;
}

/**
 * The candidates whose service area contains the point, nearest first. Nearness is measured from
 * the courier's live position when there is one (where they are now), else from the area's
 * centre. Ties go to the lower id, so every instance ranks couriers the same way.
 */
export function rankCouriers(candidates: readonly CandidateCourier[], point: { latitude: number; longitude: number }): RankedCourier[] {
  const ranked: RankedCourier[] = [];
  for (const candidate of candidates) {
    if (greatCircleMeters(candidate.areaCentre, point) > candidate.radiusMeters) continue;
    ranked.push({
      userId: candidate.userId,
      distanceMeters: Math.round(greatCircleMeters(candidate.position ?? candidate.areaCentre, point)),
    });
  }
  return ranked.sort((a, b) => a.distanceMeters - b.distanceMeters || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

/** The nearest candidate whose service area contains the point, or null. */
export function nearestCourier(
  candidates: readonly CandidateCourier[],
  point: { latitude: number; longitude: number },
): RankedCourier | null {
  return rankCouriers(candidates, point)[0] ?? null;
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
      const point = { latitude: delivery.latitude, longitude: delivery.longitude };
      // Two orders searched at the same moment can rank the same free courier first. A courier
      // holds at most one open offer (a partial unique index), so the second order's offer is
      // not written and it goes to its next courier instead.
      for (const courier of rankCouriers(
        await deliveries.candidates(transaction, delivery.orderId, point, delivery.cylinderCount),
        point,
      )) {
        const offer = {
          id: randomUUID(),
          orderId: delivery.orderId,
          courierId: courier.userId,
          distanceMeters: courier.distanceMeters,
          offeredAt: now,
          expiresAt: new Date(now.getTime() + settings.offerSeconds * 1000),
        };
        if (!(await deliveries.createOffer(transaction, offer, [offeredEvent(origin, delivery, offer)]))) continue;
        logger.info({ orderId: delivery.orderId, courierId: courier.userId, distanceMeters: courier.distanceMeters }, 'delivery offered');
        return 'offered';
      }
      return 'waiting';
    },
  };
}
