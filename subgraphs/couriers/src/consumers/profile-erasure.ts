import { eventConsumer, type ConsumerDefinition, type TransactionRunner } from '#kit';
import type { CourierProfileStore, CouriersTransaction } from '../profiles/profile-store.js';
import { UserEvents } from '../../../accounts/src/events/index.js';

/**
 * couriers reacts to user.deleted by deleting the profile outright: the plate identifies a
 * person's vehicle and the area's centre often their home, and nothing else refers to it yet.
 * A deleted supplier's fleet is released.
 */
export function profileErasureConsumer(
  profiles: CourierProfileStore,
  transactions: TransactionRunner<CouriersTransaction>,
): ConsumerDefinition {
  return eventConsumer({
    name: 'couriers.user-deletions',
    transactions,
    handlers: (on) => [
      on(UserEvents.deleted, async (data, { transaction, logger }) => {
        const { userId } = data;
        if (await profiles.delete(userId, transaction)) {
          logger.info({ courierId: userId }, 'deleted user’s courier profile erased');
        }
        // A deleted supplier's fleet rides on as platform couriers.
        const released = await profiles.disbandFleet(userId, transaction);
        if (released > 0) logger.info({ supplierId: userId, released }, 'deleted supplier’s fleet released');
      }),
    ],
  });
}
