// storesNear (issue 17): the stores whose delivery area covers a point, with price, fee, distance
// and time, from an index and a constant number of statements.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greatCircleMeters, pendingEvent, recordEvents } from '#kit';
import { AddressEvents } from '../../subgraphs/orders/src/events/index.js';
import { firstCode, type GraphQLExchange } from '../support/graphql-client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { registerUser, type SignedInUser } from '../support/users.js';
import { verifiedUser } from '../support/onboarding.js';
import { openStore, paulistaStore } from '../support/stores.js';

let test: TestPlatform;
beforeAll(async () => {
  test = await startTestPlatform();
});
afterAll(async () => {
  await test?.stop();
});

interface Nearby {
  store: { id: string; name: string };
  status: string;
  distanceMeters: number;
  openNow: boolean;
  opensAt: string | null;
  estimatedMinutes: number;
  estimatedDeliveryAt: string | null;
  products: Array<{ id: string; saleType: string; brand: string }>;
  cheapestPrice: { amount: number };
  subtotal: { amount: number };
  deliveryFee: { amount: number };
  total: { amount: number };
}

const storesNearQuery = `query ($near: StoresNearInput!, $cylinderType: CylinderType, $saleType: SaleType, $quantity: Int, $brand: String,
  $sort: StoresNearSort, $openOnly: Boolean, $first: Int) {
  storesNear(near: $near, cylinderType: $cylinderType, saleType: $saleType, quantity: $quantity, brand: $brand, sort: $sort,
    openOnly: $openOnly, first: $first) {
    store { id name } status distanceMeters openNow opensAt estimatedMinutes estimatedDeliveryAt
    products { id saleType brand } cheapestPrice { amount } subtotal { amount } deliveryFee { amount } total { amount }
  }
}`;

const storesNear = (variables: Record<string, unknown>, user?: SignedInUser) =>
  test.query<{ storesNear: Nearby[] }>(storesNearQuery, { ...(user ? { token: user.accessToken } : {}), variables });

const badFields = (result: GraphQLExchange) =>
  ((result.errors?.[0]?.extensions?.['fields'] ?? []) as Array<{ field: string }>).map((problem) => problem.field);

/** A place of its own for each test, so stores of one test never reach another's customer. */
function somewhere(): { latitude: number; longitude: number } {
  return { latitude: -5 - Math.random() * 25, longitude: -38 - Math.random() * 14 };
}

/** A point `meters` north of another (a degree of latitude is about 111.2 km). */
const north = (point: { latitude: number; longitude: number }, meters: number) => ({
  latitude: point.latitude + meters / 111_195,
  longitude: point.longitude,
});

async function storeAt(
  point: { latitude: number; longitude: number },
  overrides: Record<string, unknown> = {},
  products: Array<Record<string, unknown>> = [{}],
): Promise<{ storeId: string; supplier: SignedInUser; productIds: string[] }> {
  const supplier = await verifiedUser(test, 'SUPPLIER', 'Revenda Próxima');
  const storeId = await openStore(test, supplier, {
    address: { ...paulistaStore.address, latitude: point.latitude, longitude: point.longitude },
    ...overrides,
  });
  const productIds: string[] = [];
  for (const product of products) {
    const created = await test.query<{ createProduct: { id: string } }>(
      'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
      {
        token: supplier.accessToken,
        variables: { input: { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 20, storeId, ...product } },
      },
    );
    if (!created.data?.createProduct) throw new Error(JSON.stringify(created.errors));
    productIds.push(created.data.createProduct.id);
  }
  return { storeId, supplier, productIds };
}

describe('who delivers to a point', () => {
  it('lists a store whose area covers the point and leaves out one whose radius or polygon does not', async () => {
    const customer = somewhere();
    const near = await storeAt(north(customer, 2_000), { deliveryArea: { radiusKm: 5 } });
    const tooSmall = await storeAt(north(customer, 3_000), { deliveryArea: { radiusKm: 2 } });
    // Within its 10 km, but its polygon is a triangle well north of the customer.
    const polygonStore = north(customer, 4_000);
    const fenced = await storeAt(polygonStore, {
      deliveryArea: {
        radiusKm: 10,
        polygon: [
          north(polygonStore, -1_000),
          { ...north(polygonStore, 3_000), longitude: polygonStore.longitude - 0.03 },
          { ...north(polygonStore, 3_000), longitude: polygonStore.longitude + 0.03 },
        ],
      },
    });
    // The same polygon store does deliver inside its triangle.
    const result = await storesNear({ near: customer });
    expect(result.errors).toBeUndefined();
    expect(result.data!.storesNear.map((entry) => entry.store.id)).toEqual([near.storeId]);
    const [entry] = result.data!.storesNear;
    expect(entry!.distanceMeters).toBe(Math.round(greatCircleMeters(north(customer, 2_000), customer)));
    // Base R$ 5,00 + R$ 1,00 per km over 2.0 km; preparation 10 min + 2 km at 20 km/h (6 min).
    expect(entry).toMatchObject({
      status: 'OPEN',
      openNow: true,
      cheapestPrice: { amount: 11_000 },
      deliveryFee: { amount: 700 },
      total: { amount: 11_700 },
      estimatedMinutes: 16,
    });
    expect(entry!.products.map((product) => product.id)).toEqual(near.productIds);

    const insideTriangle = await storesNear({ near: north(polygonStore, 1_500) });
    expect(insideTriangle.data!.storesNear.map((found) => found.store.id)).toContain(fenced.storeId);
    expect(insideTriangle.data!.storesNear.map((found) => found.store.id)).not.toContain(tooSmall.storeId);
  });

  it('matches class, sale type, brand and quantity, and prices the quantity', async () => {
    const customer = somewhere();
    const independent = await storeAt(
      north(customer, 1_000),
      { resellerType: 'INDEPENDENT', brand: null, deliveryFee: { baseAmount: 500, perKmAmount: 100, freeAboveAmount: 50_000 } },
      [
        { brand: 'Liquigás', saleType: 'REFILL_EXCHANGE', priceAmount: 10_900 },
        { brand: 'Liquigás', saleType: 'FULL_WITH_CYLINDER', priceAmount: 31_000 },
        { brand: 'Supergasbras', saleType: 'REFILL_EXCHANGE', priceAmount: 11_200, stockQuantity: 2 },
        { brand: 'Liquigás', cylinderType: 'P45', saleType: 'REFILL_EXCHANGE', priceAmount: 42_000 },
      ],
    );
    const [troca, completo, fewSupergasbras, p45] = independent.productIds;

    const trocaP13 = await storesNear({ near: customer, cylinderType: 'P13', saleType: 'REFILL_EXCHANGE' });
    expect(trocaP13.data!.storesNear[0]!.products.map((product) => product.id)).toEqual([troca, fewSupergasbras]);

    const threeSupergasbras = await storesNear({ near: customer, cylinderType: 'P13', brand: 'supergasbras', quantity: 3 });
    expect(threeSupergasbras.data!.storesNear).toEqual([]);
    const twoSupergasbras = await storesNear({ near: customer, cylinderType: 'P13', brand: 'supergasbras', quantity: 2 });
    expect(twoSupergasbras.data!.storesNear[0]).toMatchObject({ products: [{ id: fewSupergasbras }], subtotal: { amount: 22_400 } });

    // Two completos pass the free-delivery threshold (R$ 500,00): the fee is waived.
    const completos = await storesNear({ near: customer, saleType: 'FULL_WITH_CYLINDER', quantity: 2 });
    expect(completos.data!.storesNear[0]).toMatchObject({
      products: [{ id: completo }],
      subtotal: { amount: 62_000 },
      deliveryFee: { amount: 0 },
      total: { amount: 62_000 },
    });

    const p45s = await storesNear({ near: customer, cylinderType: 'P45' });
    expect(p45s.data!.storesNear[0]!.products.map((product) => product.id)).toEqual([p45]);
  });

  it('sorts by total price, by delivery time or by distance, stores taking orders first', async () => {
    const customer = somewhere();
    // Cheap but slow and far; dear but quick and near; a closed one, cheapest of all.
    const cheap = await storeAt(north(customer, 6_000), { preparationMinutes: 60, deliveryArea: { radiusKm: 10 } }, [
      { priceAmount: 9_900 },
    ]);
    const quick = await storeAt(north(customer, 1_000), { preparationMinutes: 5 }, [{ priceAmount: 12_900 }]);
    const closed = await storeAt(north(customer, 500), { openingHours: [], exceptions: [] }, [{ priceAmount: 8_000 }]);

    const ids = (result: GraphQLExchange<{ storesNear: Nearby[] }>) => result.data!.storesNear.map((entry) => entry.store.id);
    expect(ids(await storesNear({ near: customer, sort: 'TOTAL_PRICE' }))).toEqual([cheap.storeId, quick.storeId, closed.storeId]);
    expect(ids(await storesNear({ near: customer, sort: 'DELIVERY_TIME' }))).toEqual([quick.storeId, cheap.storeId, closed.storeId]);
    expect(ids(await storesNear({ near: customer, sort: 'DISTANCE' }))).toEqual([quick.storeId, cheap.storeId, closed.storeId]);
    expect(ids(await storesNear({ near: customer, openOnly: true }))).toEqual([cheap.storeId, quick.storeId]);
    expect(ids(await storesNear({ near: customer, first: 1 }))).toEqual([cheap.storeId]);

    const closedEntry = (await storesNear({ near: customer })).data!.storesNear[2]!;
    // No hours at all: closed, with no opening in sight and so no delivery time.
    expect(closedEntry).toMatchObject({ status: 'CLOSED', openNow: false, opensAt: null, estimatedDeliveryAt: null });
  });

  it('lists a paused store with its status, and never an unauthorised one', async () => {
    const customer = somewhere();
    const paused = await storeAt(north(customer, 1_000));
    const expired = await storeAt(north(customer, 1_200));
    await test.query('mutation ($id: ID!) { pauseStore(storeId: $id, reason: "Sem gás") { id } }', {
      token: paused.supplier.accessToken,
      variables: { id: paused.storeId },
    });
    await test.platform.subgraphs
      .get('products')!
      .database.pool.query(`update supplier_licences set valid_until = '2021-01-01' where supplier_id = $1`, [expired.supplier.id]);
    const result = await storesNear({ near: customer });
    expect(result.data!.storesNear.map((entry) => [entry.store.id, entry.status])).toEqual([[paused.storeId, 'PAUSED']]);
  });

  it('takes a saved address of the viewer, and answers anybody else’s as not found', async () => {
    const customer = somewhere();
    const store = await storeAt(north(customer, 1_000));
    const [owner, stranger] = await Promise.all([registerUser(test, 'CUSTOMER'), registerUser(test, 'CUSTOMER')]);
    const addressId = randomUUID();
    // orders publishes address.saved; products keeps where the address is.
    const saved = pendingEvent(AddressEvents.saved, { source: 'orders', correlationId: randomUUID() }, addressId, {
      addressId,
      userId: owner.id,
      ...customer,
      savedAt: new Date().toISOString(),
    });
    const orders = test.platform.subgraphs.get('orders')!;
    await recordEvents(
      { $executeRawUnsafe: async (sql: string, ...values: unknown[]) => (await orders.database.pool.query(sql, values)).rowCount ?? 0 },
      [saved],
    );
    await expect
      .poll(async () => (await storesNear({ near: { addressId } }, owner)).data?.storesNear.map((entry) => entry.store.id), {
        timeout: 20_000,
      })
      .toEqual([store.storeId]);
    const strangers = await storesNear({ near: { addressId } }, stranger);
    expect(firstCode(strangers)).toBe('NOT_FOUND');
    const anonymous = await storesNear({ near: { addressId } });
    expect(firstCode(anonymous)).toBe('UNAUTHENTICATED');
  });

  it('refuses bad input with every problem named', async () => {
    const both = await storesNear({ near: { latitude: -23.5, longitude: -46.6, addressId: randomUUID() } });
    expect(badFields(both)).toEqual(['near']);
    const neither = await storesNear({ near: {} });
    expect(badFields(neither)).toEqual(['near']);
    const outOfRange = await storesNear({ near: { latitude: -91, longitude: 200 }, quantity: 0, first: 51 });
    expect(firstCode(outOfRange)).toBe('BAD_USER_INPUT');
    expect(badFields(outOfRange)).toEqual(['near.latitude', 'near.longitude', 'quantity', 'first']);
    expect(badFields(await storesNear({ near: { latitude: -23.5, longitude: -46.6 }, quantity: 51 }))).toEqual(['quantity']);
  });

  it('lets anonymous callers share a cached answer, and keeps a signed-in viewer’s private', async () => {
    const customer = somewhere();
    await storeAt(north(customer, 1_000));
    const anonymous = await storesNear({ near: customer });
    expect(anonymous.headers.get('cache-control')).toMatch(/public/);
    const signedIn = await storesNear({ near: customer }, await registerUser(test, 'CUSTOMER'));
    expect(signedIn.headers.get('cache-control') ?? 'private').toMatch(/private|no-store/);
  });
});

describe('how storesNear is served', () => {
  it('sends the same number of statements for 1 covering store as for 12', async () => {
    const statementsFor = async (point: { latitude: number; longitude: number }) => {
      test.statements.clear();
      const result = await storesNear({ near: point, cylinderType: 'P13' }, await registerUser(test, 'CUSTOMER'));
      expect(result.errors).toBeUndefined();
      return { stores: result.data!.storesNear.length, statements: (test.statements.get('products') ?? []).length };
    };
    const lonely = somewhere();
    await storeAt(north(lonely, 500));
    const crowded = somewhere();
    for (let index = 0; index < 12; index += 1) await storeAt(north(crowded, 100 * index), {}, [{ priceAmount: 10_000 + index }]);
    const one = await statementsFor(lonely);
    const twelve = await statementsFor(crowded);
    expect(one.stores).toBe(1);
    expect(twelve.stores).toBe(12);
    expect(twelve.statements).toBe(one.statements);
  });

  it('finds candidate stores through the coverage index, not a scan', async () => {
    const products = test.platform.subgraphs.get('products')!;
    const client = await products.database.pool.connect();
    try {
      await client.query('begin');
      await client.query('set local enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `explain select s.id from stores s
         where s.active and s.latitude is not null and s.longitude is not null
           and earth_box(ll_to_earth(s.latitude, s.longitude), s.delivery_radius_m * 1.01) @> ll_to_earth($1, $2)`,
        [-23.56, -46.65],
      );
      await client.query('rollback');
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/stores_coverage_idx/);
    } finally {
      client.release();
    }
  });
});
