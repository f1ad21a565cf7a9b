import { isUuid } from '#kit';
import type { CouriersDatabase } from '../database.js';
import type { CouriersTransaction } from '../profiles/profile-store.js';
import { greatCircleMeters, type Point } from './distance.js';

export interface TrackPoint extends Point {
  recordedAt: Date;
}

/** The routes deliveries took, point by point. */
export interface TrackStore {
  /** Appends one point; a point already recorded for the event changes nothing. */
  append(transaction: CouriersTransaction, eventId: string, orderId: string, point: TrackPoint): Promise<void>;
  routeOf(orderId: string): Promise<TrackPoint[]>;
}

export function trackStore(database: CouriersDatabase): TrackStore {
  return {
    async append(transaction, eventId, orderId, point) {
      await transaction.deliveryTrackPoint.createMany({ data: [{ eventId, orderId, ...point }], skipDuplicates: true });
    },
    routeOf: async (orderId) =>
      isUuid(orderId)
        ? database.deliveryTrackPoint.findMany({ where: { orderId }, orderBy: { recordedAt: 'asc' }, select: { latitude: true, longitude: true, recordedAt: true } })
        : [],
  };
}

/** The length of a route along its points, in whole metres. */
export function routeLengthMeters(route: readonly Point[]): number {
  let meters = 0;
  for (let index = 1; index < route.length; index += 1) meters += greatCircleMeters(route[index - 1]!, route[index]!);
  return Math.round(meters);
}
