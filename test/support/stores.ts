import type { TestPlatform } from './platform.js';
import type { SignedInUser } from './users.js';
import { verifiedUser } from './onboarding.js';

/** Every day of the week, around the clock: a store that is open whenever a test runs. */
export const alwaysOpen = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' }));

/** A store on Avenida Paulista delivering within 15 km: Rua Augusta (test/support/delivery-address.ts) is inside. */
export const paulistaStore = {
  name: 'Gás da Paulista',
  address: {
    street: 'Avenida Paulista',
    number: '1000',
    district: 'Bela Vista',
    city: 'São Paulo',
    state: 'SP',
    postalCode: '01310100',
    latitude: -23.5654,
    longitude: -46.6523,
  },
  timeZone: 'America/Sao_Paulo',
  deliveryArea: { radiusKm: 15 },
  openingHours: alwaysOpen,
  resellerType: 'BRANDED',
  brand: 'Ultragaz',
  minimumOrderAmount: 0,
  deliveryFee: { baseAmount: 500, perKmAmount: 100, freeAboveAmount: null },
  preparationMinutes: 10,
  autoAccept: true,
} as const;

/**
 * Gives a supplier a valid ANP authorisation, as an approved licence document would (written
 * into products' licence table directly, as verifiedUser marks an account verified), and opens
 * a store for them: by default `paulistaStore`, accepting orders automatically. Returns its id.
 */
export async function openStore(test: TestPlatform, supplier: SignedInUser, overrides: Record<string, unknown> = {}): Promise<string> {
  const products = test.platform.subgraphs.get('products');
  if (products === undefined) throw new Error('products subgraph not running');
  await products.database.pool.query(
    `INSERT INTO supplier_licences (supplier_id, authorization_number, valid_until, updated_at)
     VALUES ($1, $2, $3, now()) ON CONFLICT (supplier_id) DO NOTHING`,
    [supplier.id, `ANP-${supplier.id.slice(0, 8)}`, '2099-12-31'],
  );
  const result = await test.query<{ saveStore: { id: string } }>('mutation ($input: SaveStoreInput!) { saveStore(input: $input) { id } }', {
    token: supplier.accessToken,
    variables: { input: { ...paulistaStore, ...overrides } },
  });
  if (!result.data?.saveStore) throw new Error(`saveStore failed: ${JSON.stringify(result.errors)}`);
  return result.data.saveStore.id;
}

/** A verified supplier with `paulistaStore` open (openStore), for tests that need one selling something. */
export async function supplierWithStore(test: TestPlatform, name?: string): Promise<SignedInUser> {
  const supplier = await verifiedUser(test, 'SUPPLIER', name);
  await openStore(test, supplier);
  return supplier;
}

/** The id of a supplier's store, for a supplier that runs exactly one (supplierWithStore's). */
export async function onlyStoreOf(test: TestPlatform, supplier: SignedInUser): Promise<string> {
  const result = await test.query<{ myStores: Array<{ id: string }> }>('{ myStores { id } }', { token: supplier.accessToken });
  const [store, ...others] = result.data?.myStores ?? [];
  if (store === undefined || others.length > 0) throw new Error(`expected exactly one store: ${JSON.stringify(result)}`);
  return store.id;
}
