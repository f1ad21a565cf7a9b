import { isUuid } from '#kit';
import type { OrdersDatabase, OrdersTransaction } from '../database.js';
import { storeSnapshotSchema, type StoreSnapshot } from '../../../products/src/events/index.js';

/** orders' copy of the stores, from products' store events: placeOrder judges a store by it. */
export interface StoreViewStore {
  /** Keeps the snapshot unless the row already holds this revision or a later one; false when it was stale. */
  apply(transaction: OrdersTransaction, snapshot: StoreSnapshot): Promise<boolean>;
  find(storeId: string): Promise<StoreSnapshot | null>;
}

export function storeViewStore(database: OrdersDatabase): StoreViewStore {
  return {
    async apply(transaction, snapshot) {
      const applied = await transaction.$executeRaw`
        insert into store_views (store_id, supplier_id, revision, snapshot, updated_at)
        values (${snapshot.storeId}::uuid, ${snapshot.supplierId}::uuid, ${snapshot.revision},
                ${JSON.stringify(storeSnapshotSchema.parse(snapshot))}::jsonb, ${new Date(snapshot.updatedAt)})
        on conflict (store_id) do update set
          supplier_id = excluded.supplier_id, revision = excluded.revision, snapshot = excluded.snapshot,
          updated_at = excluded.updated_at
        where store_views.revision < excluded.revision`;
      return applied > 0;
    },
    async find(storeId) {
      if (!isUuid(storeId)) return null;
      const row = await database.storeView.findUnique({ where: { storeId } });
      // Written only from validated events; parsing again keeps the type honest if the contract grows.
      return row === null ? null : storeSnapshotSchema.parse(row.snapshot);
    },
  };
}
