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
 * The nearest candidate whose service area contains the point. Nearness is measured from the
 * courier's live position when there is one (where they are now), else from the area's centre.
 * Ties go to the lower id, so every instance chooses the same courier.
 */
export function nearestCourier(candidates: readonly CandidateCourier[], point: { latitude: number; longitude: number }): RankedCourier | null {
  let best: RankedCourier | null = null;
  for (const candidate of candidates) {
    if (greatCircleMeters(candidate.areaCentre, point) > candidate.radiusMeters) continue;
    const distanceMeters = Math.round(greatCircleMeters(candidate.position ?? candidate.areaCentre, point));
    if (best === null || distanceMeters < best.distanceMeters || (distanceMeters === best.distanceMeters && candidate.userId < best.userId)) {
      best = { userId: candidate.userId, distanceMeters };
    }
  }
  return best;
}

export interface Assignment {
  /**
   * For a locked searching delivery with no open offer: gives up with courier.not_found once
   * the search has lasted too long, else offers it to the nearest courier not yet tried.
   * Finding nobody now leaves it searching, for the next sweep.
   */
  offerNext(transaction: CouriersTransaction, delivery: Delivery, origin: EventOrigin, logger: Logger): Promise<'offered' | 'waiting' | 'not_found'>;
}

export function assignment(deliveries: DeliveryStore, settings: AssignmentSettings): Assignment {
  return {
    async offerNext(transaction, delivery, origin, logger) {
      const now = new Date();
      if (now.getTime() - delivery.searchStartedAt.getTime() >= settings.assignmentTimeoutSeconds * 1000) {
        const offersMade = await deliveries.countOffers(transaction, delivery.orderId);
        await deliveries.moveDelivery(transaction, delivery.orderId, 'SEARCHING', { status: 'NOT_FOUND' }, [notFoundEvent(origin, delivery, offersMade, now)]);
        logger.warn({ orderId: delivery.orderId, offersMade }, 'no courier found for the order');
        return 'not_found';
      }
      const point = { latitude: delivery.latitude, longitude: delivery.longitude };
      const nearest = nearestCourier(await deliveries.candidates(transaction, delivery.orderId, point, delivery.cylinderCount), point);
      if (nearest === null) return 'waiting';
      const offer = {
        id: randomUUID(),
        orderId: delivery.orderId,
        courierId: nearest.userId,
        distanceMeters: nearest.distanceMeters,
        offeredAt: now,
        expiresAt: new Date(now.getTime() + settings.offerSeconds * 1000),
      };
      await deliveries.createOffer(transaction, offer, [offeredEvent(origin, delivery, offer)]);
      logger.info({ orderId: delivery.orderId, courierId: nearest.userId, distanceMeters: nearest.distanceMeters }, 'delivery offered');
      return 'offered';
    },
  };
}
