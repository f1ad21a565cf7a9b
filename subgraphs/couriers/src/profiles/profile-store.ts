import { isUuid } from '#kit';
import type { CourierAvailability, CourierProfileRow, CouriersDatabase } from '../database.js';
import type { CourierProfileFields } from './profile-input.js';

export type CourierProfile = CourierProfileRow;

export type CouriersTransaction = Parameters<Parameters<CouriersDatabase['$transaction']>[0]>[0];

export interface CourierProfileStore {
  findByUserId(userId: string): Promise<CourierProfile | null>;
  findByUserIds(userIds: readonly string[]): Promise<CourierProfile[]>;
  /** Creates the user's profile, or replaces its fields; availability is left as it was. */
  save(userId: string, fields: CourierProfileFields): Promise<CourierProfile>;
  /**
   * Sets availability, moving `availabilityChangedAt` only when the value really changes.
   * Null when the user has no profile.
   */
  setAvailability(userId: string, availability: CourierAvailability): Promise<CourierProfile | null>;
  /**
   * Takes the courier offline and remembers when eligibility was lost, inside a consumer's
   * transaction; true when the courier was online.
   */
  withdrawEligibility(userId: string, at: Date, transaction: CouriersTransaction): Promise<boolean>;
  /** Deletes the user's profile inside a consumer's transaction; true when there was one. */
  delete(userId: string, transaction: CouriersTransaction): Promise<boolean>;
}

export function courierProfileStore(database: CouriersDatabase): CourierProfileStore {
  const changeAvailability = async (client: CouriersTransaction | CouriersDatabase, userId: string, availability: CourierAvailability) => {
    const { count } = await client.courierProfile.updateMany({
      where: { userId, availability: { not: availability } },
      data: { availability, availabilityChangedAt: new Date() },
    });
    return count > 0;
  };
  return {
    findByUserId: async (userId) => (isUuid(userId) ? database.courierProfile.findUnique({ where: { userId } }) : null),
    findByUserIds: (userIds) => database.courierProfile.findMany({ where: { userId: { in: userIds.filter(isUuid) } } }),
    save: (userId, fields) => database.courierProfile.upsert({ where: { userId }, create: { userId, ...fields }, update: fields }),
    async setAvailability(userId, availability) {
      await changeAvailability(database, userId, availability);
      return database.courierProfile.findUnique({ where: { userId } });
    },
    async withdrawEligibility(userId, at, transaction) {
      const wentOffline = await changeAvailability(transaction, userId, 'OFFLINE');
      await transaction.courierProfile.updateMany({ where: { userId }, data: { eligibilityWithdrawnAt: at } });
      return wentOffline;
    },
    async delete(userId, transaction) {
      const { count } = await transaction.courierProfile.deleteMany({ where: { userId } });
      return count > 0;
    },
  };
}
