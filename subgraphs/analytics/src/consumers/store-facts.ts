import type { AnalyticsTransaction } from '../database.js';
import type { StoreSnapshot } from '../../../products/src/events/index.js';

/** Keeps a store's owner and name; an older revision arriving late changes nothing. */
export async function recordStore(transaction: AnalyticsTransaction, store: StoreSnapshot): Promise<void> {
  await transaction.$executeRawUnsafe(
    `insert into store_facts (store_id, supplier_id, name, revision) values ($1::uuid, $2::uuid, $3, $4)
     on conflict (store_id) do update set supplier_id = excluded.supplier_id, name = excluded.name, revision = excluded.revision
     where store_facts.revision < excluded.revision`,
    store.storeId,
    store.supplierId,
    store.name,
    store.revision,
  );
}
