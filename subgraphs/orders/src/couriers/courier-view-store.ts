import type { OrdersDatabase, OrdersTransaction } from '../database.js';

/** Data access for what orders knows of couriers: their offers and assignments, customers' first names. */
export interface CourierViewStore {
  /** courier.offered: the courier may see the order's outline until `offeredUntil`. */
  recordOffer(
    transaction: OrdersTransaction,
    offer: { orderId: string; courierId: string; offerId: string; offeredUntil: Date },
  ): Promise<void>;
  /**
   * courier.assigned: the courier sees the address from `at`; any courier assigned before them
   * on this order (a reassignment) stops seeing it.
   */
  recordAssignment(
    transaction: OrdersTransaction,
    assignment: { orderId: string; courierId: string; offerId: string; at: Date },
  ): Promise<void>;
  /** Keeps the first name from the newest user event only; false when the event was older. */
  saveFirstName(transaction: OrdersTransaction, userId: string, firstName: string, at: Date): Promise<void>;
  forgetFirstName(transaction: OrdersTransaction, userId: string): Promise<void>;
  firstNamesOf(userIds: readonly string[]): Promise<Map<string, string>>;
}

export function courierViewStore(database: OrdersDatabase): CourierViewStore {
  return {
    async recordOffer(transaction, offer) {
      await transaction.orderCourier.createMany({ data: [offer], skipDuplicates: true });
    },
    async recordAssignment(transaction, { orderId, courierId, offerId, at }) {
      await transaction.orderCourier.updateMany({
        where: { orderId, courierId: { not: courierId }, assignedAt: { not: null }, endedAt: null },
        data: { endedAt: at },
      });
      // The offer event comes first on the same key, but an assignment alone still grants the view.
      await transaction.orderCourier.upsert({
        where: { orderId_courierId: { orderId, courierId } },
        create: { orderId, courierId, offerId, offeredUntil: at, assignedAt: at },
        update: { offerId, assignedAt: at, endedAt: null },
      });
    },
    async saveFirstName(transaction, userId, firstName, at) {
      await transaction.$executeRaw`
        insert into customer_first_names (user_id, first_name, updated_at) values (${userId}::uuid, ${firstName}, ${at})
        on conflict (user_id) do update set first_name = excluded.first_name, updated_at = excluded.updated_at
        where customer_first_names.updated_at <= excluded.updated_at`;
    },
    async forgetFirstName(transaction, userId) {
      await transaction.customerFirstName.deleteMany({ where: { userId } });
    },
    async firstNamesOf(userIds) {
      const rows = await database.customerFirstName.findMany({ where: { userId: { in: [...userIds] } } });
      return new Map(rows.map((row) => [row.userId, row.firstName]));
    },
  };
}
