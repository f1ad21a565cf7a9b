import { Events, type ConsumerDefinition, type EventData, type TransactionRunner } from '#kit';
import type { CouriersTransaction } from '../profiles/profile-store.js';
import type { TrackStore } from './track-store.js';

/**
 * Couriers reads its own courier.location.updated back to record each delivery's route. The
 * location mutation stays one conditional UPDATE of the latest position, answered at once; the
 * history, which nobody waits for, is written here, once per event however often it is delivered.
 */
export function trackRecorderConsumer(tracks: TrackStore, transactions: TransactionRunner<CouriersTransaction>): ConsumerDefinition {
  return {
    name: 'couriers.delivery-tracks',
    topics: [Events.courierLocationUpdated.topic],
    transactions,
    handlers: {
      [Events.courierLocationUpdated.type]: async (data, context) => {
        const { orderId, latitude, longitude, recordedAt } = data as EventData<typeof Events.courierLocationUpdated>;
        await tracks.append(context.transaction as CouriersTransaction, context.envelope.id, orderId, { latitude, longitude, recordedAt: new Date(recordedAt) });
      },
    },
  };
}
