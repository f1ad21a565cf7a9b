import { isUuid, recordEvents, type PendingEvent } from '#kit';
import type { OrdersDatabase, OrdersTransaction, SavedAddressRow } from '../database.js';
import type { DeliveryAddress } from '../orders/order-input.js';
import { deliveryAddressColumns } from '../orders/order-store.js';

export type SavedAddress = SavedAddressRow;

export interface AddressToSave extends DeliveryAddress {
  id: string;
  userId: string;
  label: string;
}

/** Customers' saved addresses; each change writes its events in the same transaction. */
export interface AddressStore {
  listOf(userId: string): Promise<SavedAddress[]>;
  find(id: string): Promise<SavedAddress | null>;
  /** Creates the address or replaces it whole; null when the id is another user's. */
  save(address: AddressToSave, events: (saved: SavedAddress) => PendingEvent[]): Promise<SavedAddress | null>;
  /** False when the user has no address with this id. */
  delete(userId: string, id: string, events: (deleted: SavedAddress) => PendingEvent[]): Promise<boolean>;
  /** user.deleted: every address of the user goes, with its event. */
  deleteAllOf(transaction: OrdersTransaction, userId: string, events: (deleted: SavedAddress) => PendingEvent[]): Promise<number>;
}

export function addressStore(database: OrdersDatabase): AddressStore {
  return {
    listOf: (userId) => database.savedAddress.findMany({ where: { userId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    find: async (id) => (isUuid(id) ? database.savedAddress.findUnique({ where: { id } }) : null),
    save: (address, events) =>
      database.$transaction(async (transaction) => {
        const existing = await transaction.savedAddress.findUnique({ where: { id: address.id } });
        if (existing !== null && existing.userId !== address.userId) return null;
        const fields = {
          label: address.label,
          ...deliveryAddressColumns(address),
        };
        const saved = await transaction.savedAddress.upsert({
          where: { id: address.id },
          create: { id: address.id, userId: address.userId, ...fields },
          update: fields,
        });
        await recordEvents(transaction, events(saved));
        return saved;
      }),
    delete: (userId, id, events) =>
      database.$transaction(async (transaction) => {
        if (!isUuid(id)) return false;
        const existing = await transaction.savedAddress.findUnique({ where: { id } });
        if (existing === null || existing.userId !== userId) return false;
        await transaction.savedAddress.delete({ where: { id } });
        await recordEvents(transaction, events(existing));
        return true;
      }),
    async deleteAllOf(transaction, userId, events) {
      const addresses = await transaction.savedAddress.findMany({ where: { userId } });
      await transaction.savedAddress.deleteMany({ where: { userId } });
      await recordEvents(transaction, addresses.flatMap(events));
      return addresses.length;
    },
  };
}
