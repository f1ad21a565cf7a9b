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
  stockQuantity: number;
  /** Absent only in events written before stores. */
  storeId: string | null;
  brand: string | null;
  saleType: string | null;
}

/** orders' own copy of the catalog, kept from product events; never products' tables. */
export interface CatalogStore {
  /** Applies a snapshot taken at `at`, unless the row already holds a later one; a deleted product stays deleted. */
  applySnapshot(transaction: OrdersTransaction, snapshot: ProductSnapshot, at: Date): Promise<boolean>;
  /** inventory.updated: the stock at `at`, unless a later stock figure is already kept. */
  applyStock(transaction: OrdersTransaction, productId: string, stockQuantity: number, at: Date): Promise<void>;
  /** Marks a product deleted whenever the deletion arrives: product ids are never reused. */
  markDeleted(transaction: OrdersTransaction, productId: string, supplierId: string, at: Date): Promise<void>;
  /** The known products among `productIds`, with whether each is on sale now. */
  entries(productIds: readonly string[]): Promise<Map<string, CatalogEntry>>;
  /** A store's products on sale of these cylinder classes, for pricing the empties of troca lines. */
  onSaleAt(storeId: string, cylinderTypes: readonly string[]): Promise<CatalogEntry[]>;
}

type CatalogRow = Awaited<ReturnType<OrdersDatabase['catalogProduct']['findMany']>>[number];

const entryOf = (row: CatalogRow): CatalogEntry => ({
  productId: row.productId,
  supplierId: row.supplierId,
  storeId: row.storeId,
  name: row.name,
  cylinderType: row.cylinderType,
  brand: row.brand,
  saleType: row.saleType,
  priceAmount: row.priceAmount,
  currency: row.currency,
  stockQuantity: row.stockQuantity,
  available: row.active && !row.deleted,
});

export function catalogStore(database: OrdersDatabase): CatalogStore {
  return {
    async applySnapshot(transaction, product, at) {
      const applied = await transaction.$executeRaw`
        insert into catalog_products (product_id, supplier_id, name, cylinder_type, price_amount, currency, active, deleted, updated_at,
                                      store_id, brand, sale_type, stock_quantity, stock_updated_at)
        values (${product.productId}::uuid, ${product.supplierId}::uuid, ${product.name}, ${product.cylinderType}, ${product.priceAmount},
                ${product.currency}, ${product.active}, false, ${at},
                ${product.storeId}::uuid, ${product.brand}, ${product.saleType}, ${product.stockQuantity}, ${at})
        on conflict (product_id) do update set
          supplier_id = excluded.supplier_id, name = excluded.name, cylinder_type = excluded.cylinder_type,
          price_amount = excluded.price_amount, currency = excluded.currency, active = excluded.active,
          updated_at = excluded.updated_at,
          store_id = coalesce(excluded.store_id, catalog_products.store_id),
          brand = coalesce(excluded.brand, catalog_products.brand),
          sale_type = coalesce(excluded.sale_type, catalog_products.sale_type),
          stock_quantity = case when catalog_products.stock_updated_at is null or catalog_products.stock_updated_at <= excluded.stock_updated_at
                                then excluded.stock_quantity else catalog_products.stock_quantity end,
          stock_updated_at = greatest(catalog_products.stock_updated_at, excluded.stock_updated_at)
        where catalog_products.updated_at <= excluded.updated_at and not catalog_products.deleted`;
      return applied > 0;
    },
    async applyStock(transaction, productId, stockQuantity, at) {
      // A stock figure for a product not seen yet waits for its snapshot, which carries stock too.
      await transaction.$executeRaw`
        update catalog_products set stock_quantity = ${stockQuantity}, stock_updated_at = ${at}
        where product_id = ${productId}::uuid and (stock_updated_at is null or stock_updated_at <= ${at})`;
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
      return new Map(rows.map((row) => [row.productId, entryOf(row)]));
    },
    async onSaleAt(storeId, cylinderTypes) {
      if (!isUuid(storeId) || cylinderTypes.length === 0) return [];
      const rows = await database.catalogProduct.findMany({
        where: { storeId, cylinderType: { in: [...cylinderTypes] }, active: true, deleted: false },
      });
      return rows.map(entryOf);
    },
  };
}
