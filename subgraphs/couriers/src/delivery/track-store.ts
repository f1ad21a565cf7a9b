import { greatCircleMeters, isUuid } from '#kit';
import type { CouriersDatabase } from '../database.js';
import type { CouriersTransaction } from '../profiles/profile-store.js';
import type { Point } from './distance.js';

export interface TrackPoint extends Point {
  recordedAt: Date;
}

/** The routes deliveries took, point by point. */
export interface TrackStore {
  /** Appends one point; a point already recorded for the event changes nothing. */
  append(transaction: CouriersTransaction, eventId: string, orderId: string, point: TrackPoint): Promise<void>;
  /** Each order's route, oldest point first, in one query. */
  routesOf(orderIds: readonly string[]): Promise<Map<string, TrackPoint[]>>;
}

export function trackStore(database: CouriersDatabase): TrackStore {
  return {
    async append(transaction, eventId, orderId, point) {
      await transaction.deliveryTrackPoint.createMany({ data: [{ eventId, orderId, ...point }], skipDuplicates: true });
    },
    async routesOf(orderIds) {
      const rows = await database.deliveryTrackPoint.findMany({
        where: { orderId: { in: orderIds.filter(isUuid) } },
        orderBy: { recordedAt: 'asc' },
        select: { orderId: true, latitude: true, longitude: true, recordedAt: true },
      });
      const routes = new Map<string, TrackPoint[]>(orderIds.map((id) => [id, []]));
      for (const { orderId, ...point } of rows) routes.get(orderId)?.push(point);
      return routes;
    },
  };
}

/** The length of a route along its points, in whole metres. */
export function routeLengthMeters(route: readonly Point[]): number {
  let meters = 0;
  for (let index = 1; index < route.length; index += 1) meters += greatCircleMeters(route[index - 1]!, route[index]!);
  return Math.round(meters);
}
