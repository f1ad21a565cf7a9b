import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '#kit';
import { parseDemoSettings } from '../../platform/src/demo/demo-settings.js';
import { DEMO_PASSWORD, demoCustomer, demoDeliveryAddress, demoSuppliers } from '../../platform/src/demo/demo-data.js';
import { seedDemoData, type DemoSummary } from '../../platform/src/demo/seed.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { accountsInternals, signIn } from '../support/users.js';

let test: TestPlatform;
let stateDirectory: string;

beforeAll(async () => {
  stateDirectory = mkdtempSync(join(tmpdir(), 'gasrapido-demo-'));
  // Offers go out at once, as under `npm start` (the suite's default keeps the sweep idle).
  test = await startTestPlatform({ COURIERS_ASSIGNMENT_SWEEP_MS: '200' });
});
afterAll(async () => {
  await test?.stop();
  rmSync(stateDirectory, { recursive: true, force: true });
});

/** The seed as `npm run demo:seed` runs it; the admin is made as admin:create makes one (accounts' createAccount). */
const seed = () =>
  seedDemoData({
    graphqlUrl: test.gatewayUrl,
    createAdmin: async (admin, password) => {
      await accountsInternals(test).accounts.createAccount({ ...admin, password }, [Role.ADMIN], {
        source: 'accounts',
        correlationId: 'demo-admin',
      });
    },
    stateFile: join(stateDirectory, 'demo-data.json'),
    log: () => {},
  });

describe('the demo data set', () => {
  let first: DemoSummary;

  it('fills an empty platform through the API: an admin with MFA, verified suppliers and couriers, a catalog, a customer and an order in each state', async () => {
    first = await seed();
    expect(first.ordersByState).toEqual({
      DELIVERED: 1,
      IN_TRANSIT: 1,
      CONFIRMED: 1,
      AWAITING_ACCEPTANCE: 1,
      PENDING_PAYMENT: 1,
      CANCELLED: 1,
    });
    expect(first.stores).toBe(demoSuppliers.reduce((sum, supplier) => sum + supplier.stores.length, 0));
    expect(first.admin.totpSecret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(JSON.parse(readFileSync(join(stateDirectory, 'demo-data.json'), 'utf8'))).toMatchObject({
      adminTotpSecret: first.admin.totpSecret,
    });

    // Anyone sees the catalog, the suppliers' names with it.
    const catalog = await test.query<{ products: { nodes: Array<{ name: string; supplier: { name: string } }> } }>(
      '{ products(first: 50) { nodes { name supplier { name } } } }',
    );
    const expected = demoSuppliers.flatMap((supplier) =>
      supplier.stores.flatMap((store) => store.products.map((product) => ({ name: product.name, supplier: { name: supplier.name } }))),
    );
    expect(catalog.data?.products.nodes).toHaveLength(expected.length);
    expect(catalog.data?.products.nodes).toEqual(expect.arrayContaining(expected));

    // Who delivers gas to the customer's address: every demo store but Lapa's, whose area stops short of Rua Augusta.
    const near = await test.query<{ storesNear: Array<{ store: { name: string } }> }>(
      'query ($near: StoresNearInput!) { storesNear(near: $near, cylinderType: P13, saleType: REFILL_EXCHANGE) { store { name } } }',
      { variables: { near: { latitude: demoDeliveryAddress.latitude, longitude: demoDeliveryAddress.longitude } } },
    );
    expect(near.errors).toBeUndefined();
    expect(near.data?.storesNear.map((result) => result.store.name).sort()).toEqual(
      demoSuppliers
        .flatMap((supplier) => supplier.stores.map((store) => store.name))
        .filter((name) => name !== 'Botijão Express Lapa')
        .sort(),
    );

    // The delivered order went through the handover with the code and was paid.
    const customer = await signIn(test, demoCustomer.email, DEMO_PASSWORD);
    const delivered = await test.query<{ orders: { nodes: Array<{ history: Array<{ to: string }>; delivery: { status: string } }> } }>(
      '{ orders(status: DELIVERED) { nodes { history { to } delivery { status } } } }',
      { token: customer.accessToken },
    );
    expect(delivered.data?.orders.nodes[0]).toEqual({
      history: [{ to: 'PENDING_PAYMENT' }, { to: 'AWAITING_ACCEPTANCE' }, { to: 'CONFIRMED' }, { to: 'IN_TRANSIT' }, { to: 'DELIVERED' }],
      delivery: { status: 'DELIVERED' },
    });

    // Suppliers are verified: their token says so.
    const supplier = await test.query<{ me: { verified: boolean } }>('{ me { verified } }', {
      token: (await signIn(test, demoSuppliers[0]!.email, DEMO_PASSWORD)).accessToken,
    });
    expect(supplier.data?.me.verified).toBe(true);
  }, 300_000);

  it('changes nothing when run again', async () => {
    const second = await seed();
    expect(second.created).toEqual([]);
    expect(second.ordersByState).toEqual(first.ordersByState);
    expect(second.products).toBe(first.products);
    expect(second.admin.totpSecret).toBe(first.admin.totpSecret);
    const catalog = await test.query<{ products: { nodes: unknown[] } }>('{ products(first: 50) { nodes { id } } }');
    expect(catalog.data?.products.nodes).toHaveLength(first.products);
  }, 300_000);

  it('is refused in production', () => {
    expect(() => parseDemoSettings({ NODE_ENV: 'production' }, { seeding: true })).toThrow(/never created in production/);
    expect(() => parseDemoSettings({ NODE_ENV: 'production', DEMO_DATA: 'true' })).toThrow(/never created in production/);
    expect(parseDemoSettings({ NODE_ENV: 'production' }).seedOnStart).toBe(false);
  });
});
