import { isUuid } from '#kit';
import type { CourierAvailability, CourierCapacityRow, CourierProfileRow, CouriersDatabase } from '../database.js';
import type { CourierProfileFields } from './profile-input.js';

/** A profile with its capacity per cylinder class, smallest class first. */
export type CourierProfile = CourierProfileRow & { capacities: CourierCapacityRow[] };

export type CouriersTransaction = Parameters<Parameters<CouriersDatabase['$transaction']>[0]>[0];

/** What adding a courier to a fleet found. */
export type FleetJoin = 'joined' | 'in_another_fleet' | 'no_profile';

export interface CourierProfileStore {
  findByUserId(userId: string): Promise<CourierProfile | null>;
  findByUserIds(userIds: readonly string[]): Promise<CourierProfile[]>;
  /** Creates the user's profile, or replaces its fields and capacities; availability and fleet are left as they were. */
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
  /** Puts the courier in the supplier's fleet, unless another supplier's fleet has them (one conditional update). */
  joinFleet(courierId: string, supplierId: string, at: Date): Promise<FleetJoin>;
  /** Takes the courier out of their fleet, or only out of `supplierId`'s when given; true when they were in it. */
  leaveFleet(courierId: string, supplierId?: string): Promise<boolean>;
  /** The supplier's fleet, longest-serving first. */
  fleetOf(supplierId: string): Promise<CourierProfile[]>;
  /** Every courier of a deleted supplier's fleet becomes a platform courier, inside a consumer's transaction. */
  disbandFleet(supplierId: string, transaction: CouriersTransaction): Promise<number>;
}

const withCapacities = { capacities: { orderBy: { cylinderType: 'asc' } } } as const;

export function courierProfileStore(database: CouriersDatabase): CourierProfileStore {
  const changeAvailability = async (client: CouriersTransaction | CouriersDatabase, userId: string, availability: CourierAvailability) => {
    const { count } = await client.courierProfile.updateMany({
      where: { userId, availability: { not: availability } },
      data: { availability, availabilityChangedAt: new Date() },
    });
    return count > 0;
  };
  return {
    findByUserId: async (userId) =>
      isUuid(userId) ? database.courierProfile.findUnique({ where: { userId }, include: withCapacities }) : null,
    findByUserIds: (userIds) =>
      database.courierProfile.findMany({ where: { userId: { in: userIds.filter(isUuid) } }, include: withCapacities }),
    save: (userId, { capacities, ...fields }) =>
      database.$transaction(async (transaction) => {
        await transaction.courierProfile.upsert({ where: { userId }, create: { userId, ...fields }, update: fields });
        await transaction.courierCapacity.deleteMany({ where: { userId } });
        await transaction.courierCapacity.createMany({ data: capacities.map((capacity) => ({ userId, ...capacity })) });
        return transaction.courierProfile.findUniqueOrThrow({ where: { userId }, include: withCapacities });
      }),
    async setAvailability(userId, availability) {
      await changeAvailability(database, userId, availability);
      return database.courierProfile.findUnique({ where: { userId }, include: withCapacities });
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
    async joinFleet(courierId, supplierId, at) {
      if (!isUuid(courierId)) return 'no_profile';
      const { count } = await database.courierProfile.updateMany({
        where: { userId: courierId, fleetSupplierId: null },
        data: { fleetSupplierId: supplierId, fleetJoinedAt: at },
      });
      if (count > 0) return 'joined';
      const current = await database.courierProfile.findUnique({ where: { userId: courierId }, select: { fleetSupplierId: true } });
      if (current === null) return 'no_profile';
      return current.fleetSupplierId === supplierId ? 'joined' : 'in_another_fleet';
    },
    async leaveFleet(courierId, supplierId) {
      if (!isUuid(courierId)) return false;
      const { count } = await database.courierProfile.updateMany({
        where: { userId: courierId, fleetSupplierId: supplierId ?? { not: null } },
        data: { fleetSupplierId: null, fleetJoinedAt: null },
      });
      return count > 0;
    },
    fleetOf: (supplierId) =>
      database.courierProfile.findMany({
        where: { fleetSupplierId: supplierId },
        include: withCapacities,
        orderBy: [{ fleetJoinedAt: 'asc' }, { userId: 'asc' }],
      }),
    async disbandFleet(supplierId, transaction) {
      const { count } = await transaction.courierProfile.updateMany({
        where: { fleetSupplierId: supplierId },
        data: { fleetSupplierId: null, fleetJoinedAt: null },
      });
      return count;
    },
  };
}
