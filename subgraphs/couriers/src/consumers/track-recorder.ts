import { eventConsumer, type ConsumerDefinition, type TransactionRunner } from '#kit';
import type { CouriersTransaction } from '../profiles/profile-store.js';
import type { TrackStore } from '../delivery/track-store.js';
import { CourierEvents } from '../events/index.js';

/**
 * Couriers reads its own courier.location.updated back to record each delivery's route. The
 * location mutation stays one conditional UPDATE of the latest position, answered at once; the
 * history, which nobody waits for, is written here, once per event however often it is delivered.
 */
export function trackRecorderConsumer(tracks: TrackStore, transactions: TransactionRunner<CouriersTransaction>): ConsumerDefinition {
  return eventConsumer({
    name: 'couriers.delivery-tracks',
    transactions,
    handlers: (on) => [
      on(CourierEvents.locationUpdated, async (data, context) => {
        const { orderId, latitude, longitude, recordedAt } = data;
        await tracks.append(context.transaction, context.envelope.id, orderId, { latitude, longitude, recordedAt: new Date(recordedAt) });
      }),
    ],
  });
}
