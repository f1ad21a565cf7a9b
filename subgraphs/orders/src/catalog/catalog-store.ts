import { isUuid } from '#kit';
import type { OrdersDatabase, OrdersTransaction } from '../database.js';
import type { CatalogEntry } from '../orders/order-pricing.js';

/** A product as product.created and product.updated describe it. */
export interface ProductSnapshot {
  productId: string;
  supplierId: string;
  name: string;
  cylinderType: string;
  priceAmount: number;
  currency: string;
  active: boolean;
}

/** orders' own copy of the catalog, kept from product events; never products' tables. */
export interface CatalogStore {
  /** Applies a snapshot taken at `at`, unless the row already holds a later one; a deleted product stays deleted. */
  applySnapshot(transaction: OrdersTransaction, snapshot: ProductSnapshot, at: Date): Promise<boolean>;
  /** Marks a product deleted whenever the deletion arrives: product ids are never reused. */
  markDeleted(transaction: OrdersTransaction, productId: string, supplierId: string, at: Date): Promise<void>;
  /** The known products among `productIds`, with whether each is on sale now. */
  entries(productIds: readonly string[]): Promise<Map<string, CatalogEntry>>;
}

export function catalogStore(database: OrdersDatabase): CatalogStore {
  return {
    async applySnapshot(transaction, product, at) {
      const applied = await transaction.$executeRaw`
        insert into catalog_products (product_id, supplier_id, name, cylinder_type, price_amount, currency, active, deleted, updated_at)
        values (${product.productId}::uuid, ${product.supplierId}::uuid, ${product.name}, ${product.cylinderType}, ${product.priceAmount},
                ${product.currency}, ${product.active}, false, ${at})
        on conflict (product_id) do update set
          supplier_id = excluded.supplier_id, name = excluded.name, cylinder_type = excluded.cylinder_type,
          price_amount = excluded.price_amount, currency = excluded.currency, active = excluded.active,
          updated_at = excluded.updated_at
        where catalog_products.updated_at <= excluded.updated_at and not catalog_products.deleted`;
      return applied > 0;
    },
    async markDeleted(transaction, productId, supplierId, at) {
      // A deletion seen before the product itself leaves a tombstone ('XXX' is ISO 4217's "no
      // currency"), so a late product.created cannot bring the product back.
      await transaction.$executeRaw`
        insert into catalog_products (product_id, supplier_id, name, cylinder_type, price_amount, currency, active, deleted, updated_at)
        values (${productId}::uuid, ${supplierId}::uuid, '', '', 0, 'XXX', false, true, ${at})
        on conflict (product_id) do update set
          active = false, deleted = true, updated_at = greatest(catalog_products.updated_at, excluded.updated_at)`;
    },
    async entries(productIds) {
      const rows = await database.catalogProduct.findMany({ where: { productId: { in: productIds.filter(isUuid) } } });
      return new Map(
        rows.map((row) => [
          row.productId,
          {
            productId: row.productId,
            supplierId: row.supplierId,
            name: row.name,
            priceAmount: row.priceAmount,
            currency: row.currency,
            available: row.active && !row.deleted,
          },
        ]),
      );
    },
  };
}
