import { Events, type ConsumerDefinition, type EventData, type TransactionRunner } from '#kit';
import type { CourierProfileStore, CouriersTransaction } from './profile-store.js';

/**
 * couriers reacts to user.deleted by deleting the profile outright: the plate identifies a
 * person's vehicle and the area's centre often their home, and nothing else refers to it yet.
 */
export function profileErasureConsumer(
  profiles: CourierProfileStore,
  transactions: TransactionRunner<CouriersTransaction>,
): ConsumerDefinition {
  return {
    name: 'couriers.user-deletions',
    topics: [Events.userDeleted.topic],
    transactions,
    handlers: {
      [Events.userDeleted.type]: async (data, { transaction, logger }) => {
        const { userId } = data as EventData<typeof Events.userDeleted>;
        if (await profiles.delete(userId, transaction as CouriersTransaction)) {
          logger.info({ courierId: userId }, 'deleted user’s courier profile erased');
        }
      },
    },
  };
}
