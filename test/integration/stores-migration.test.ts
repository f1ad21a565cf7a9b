// The move to stores runs on databases that already hold products: each supplier with products gets
// one default store (inactive, no address yet), every product moves into it with a brand and the
// troca sale type, and each moved product is announced again (product.updated) through the outbox.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { applyMigrations, databaseUrl, ensureDatabase, parseEnvelope, readServiceMigrations } from '#kit';
import { ProductEvents } from '../../subgraphs/products/src/events/index.js';
import { queryRows } from '../support/sql.js';

const serverUrl = inject('postgresServerUrl');
const STORES_MIGRATION = '20261208000000_stores';
const createdDatabases: string[] = [];

afterEach(async () => {
  for (const name of createdDatabases.splice(0)) await queryRows(serverUrl, `drop database if exists ${name} with (force)`);
});

async function freshDatabase(): Promise<string> {
  const name = `stores_migration_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(serverUrl, name);
  createdDatabases.push(name);
  return databaseUrl(serverUrl, name);
}

async function insertProduct(url: string, supplierId: string, name: string): Promise<string> {
  const id = randomUUID();
  await queryRows(
    url,
    `insert into products (id, supplier_id, name, cylinder_type, size_grams, price_cents, currency, stock_quantity, low_stock_threshold, active, updated_at)
     values ($1, $2, $3, 'P13', 13000, 11000, 'BRL', 7, 2, true, now())`,
    [id, supplierId, name],
  );
  return id;
}

describe('the migration to stores', () => {
  it('gives each supplier with products one default store and announces every moved product', async () => {
    const url = await freshDatabase();
    const migrations = await readServiceMigrations('products');
    const before = migrations.filter((migration) => migration.name < STORES_MIGRATION);
    await applyMigrations(url, before);

    const [north, south] = [randomUUID(), randomUUID()];
    const northProducts = [await insertProduct(url, north, 'Botijão P13'), await insertProduct(url, north, 'Botijão P45')];
    const southProduct = await insertProduct(url, south, 'Botijão P13 Sul');
    await queryRows(url, `insert into stock_reservations (order_id, product_id, quantity) values ($1, $2, 1)`, [
      randomUUID(),
      southProduct,
    ]);

    const report = await applyMigrations(url, migrations);
    expect(report.applied).toContain(STORES_MIGRATION);

    const stores = await queryRows<{
      id: string;
      supplier_id: string;
      name: string;
      active: boolean;
      latitude: number | null;
      revision: number;
    }>(url, `select id, supplier_id, name, active, latitude, revision from stores order by supplier_id`);
    expect(stores.map((store) => store.supplier_id).sort()).toEqual([north, south].sort());
    for (const store of stores) expect(store).toMatchObject({ name: 'Loja principal', active: false, latitude: null, revision: 1 });
    const storeOf = new Map(stores.map((store) => [store.supplier_id, store.id]));

    const products = await queryRows<{ id: string; supplier_id: string; store_id: string; brand: string; sale_type: string }>(
      url,
      `select id, supplier_id, store_id, brand, sale_type from products`,
    );
    expect(products).toHaveLength(3);
    for (const product of products) {
      expect(product).toMatchObject({ store_id: storeOf.get(product.supplier_id), brand: 'Sem marca', sale_type: 'REFILL_EXCHANGE' });
    }

    const outbox = await queryRows<{ topic: string; key: string; envelope: unknown }>(
      url,
      `select topic, key, envelope from outbox_events order by seq`,
    );
    expect(outbox.map((row) => row.key).sort()).toEqual([...northProducts, southProduct].sort());
    for (const row of outbox) {
      expect(row.topic).toBe('product.events');
      const parsed = parseEnvelope(JSON.stringify(row.envelope));
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.envelope).toMatchObject({ type: 'product.updated', source: 'products', subject: row.key, schemaVersion: 1 });
      // The consumers' own contract accepts it, with the store, brand and sale type.
      const data = ProductEvents.updated.data.parse(parsed.envelope.data);
      expect(data).toMatchObject({
        productId: row.key,
        storeId: products.find((product) => product.id === row.key)?.store_id,
        brand: 'Sem marca',
        saleType: 'REFILL_EXCHANGE',
        stockQuantity: 7,
        lowStockThreshold: 2,
        changed: ['storeId', 'brand', 'saleType'],
      });
    }
    // Applied again, nothing happens.
    expect(await applyMigrations(url, migrations)).toEqual({ applied: [], alreadyApplied: migrations.length });
  });

  it('runs on an empty database, making no store', async () => {
    const url = await freshDatabase();
    await applyMigrations(url, await readServiceMigrations('products'));
    expect(await queryRows(url, `select count(*)::int as stores from stores`)).toEqual([{ stores: 0 }]);
  });
});
