import { isUuid, type GeoPoint } from '#kit';
import type { ProductsDatabase } from '../database.js';
import type { ProductsTransaction } from '../catalog/product-store.js';

export interface AddressPoint extends GeoPoint {
  addressId: string;
  userId: string;
}

/** products' projection of orders' saved addresses: only where they are and whose they are. */
export interface AddressPointStore {
  find(addressId: string): Promise<AddressPoint | null>;
  /** Keeps the newest save of an address (events of one address arrive in order; a replay changes nothing). */
  save(transaction: ProductsTransaction, point: AddressPoint & { savedAt: Date }): Promise<void>;
  remove(transaction: ProductsTransaction, addressId: string): Promise<void>;
}

export function addressPointStore(database: ProductsDatabase): AddressPointStore {
  return {
    async find(addressId) {
      if (!isUuid(addressId)) return null;
      const row = await database.savedAddressPoint.findUnique({ where: { addressId } });
      return row === null ? null : { addressId: row.addressId, userId: row.userId, latitude: row.latitude, longitude: row.longitude };
    },
    async save(transaction, point) {
      await transaction.$executeRaw`
        insert into saved_address_points (address_id, user_id, latitude, longitude, saved_at)
        values (${point.addressId}::uuid, ${point.userId}::uuid, ${point.latitude}, ${point.longitude}, ${point.savedAt})
        on conflict (address_id) do update set user_id = excluded.user_id, latitude = excluded.latitude,
          longitude = excluded.longitude, saved_at = excluded.saved_at
        where saved_address_points.saved_at <= excluded.saved_at`;
    },
    async remove(transaction, addressId) {
      await transaction.savedAddressPoint.deleteMany({ where: { addressId } });
    },
  };
}
