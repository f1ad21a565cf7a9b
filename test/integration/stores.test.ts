// Stores (issue 17): saveStore, the owner's view, pause and resume, products in a store with a
// brand and a sale type, and the authorisation that licence.approved gives a supplier's stores.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingEvent, recordEvents } from '#kit';
import { firstCode, postGraphQL, type GraphQLExchange } from '../support/graphql-client.js';
import { startTestPlatform, TEST_GATEWAY_SECRET, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, type SignedInUser } from '../support/users.js';
import { verifiedUser } from '../support/onboarding.js';
import { openStore, paulistaStore } from '../support/stores.js';
import { VerificationEvents } from '../../subgraphs/verification/src/events/index.js';

let test: TestPlatform;
beforeAll(async () => {
  test = await startTestPlatform();
});
afterAll(async () => {
  await test?.stop();
});

const storeFields = `id name owner { id } address { street number district city state postalCode latitude longitude }
  timeZone deliveryArea { radiusKm polygon { latitude longitude } } openingHours { weekday opens closes }
  exceptions { date closed hours { opens closes } reason } status openNow opensAt closesAt pause { reason since until }
  authorization { number validUntil } closedReason resellerType brand minimumOrder { amount currency }
  deliveryFeeRule { base { amount } perKm { amount } freeAbove { amount } } preparationMinutes autoAccept active`;

interface StoreView {
  id: string;
  name: string;
  status: string;
  openNow: boolean;
  opensAt: string | null;
  pause: { reason: string | null; since: string; until: string | null } | null;
  authorization: { number: string; validUntil: string } | null;
  closedReason: string | null;
  autoAccept: boolean | null;
  brand: string | null;
  active: boolean;
  deliveryArea: { radiusKm: number; polygon: Array<{ latitude: number; longitude: number }> | null };
}

const saveMutation = `mutation ($input: SaveStoreInput!) { saveStore(input: $input) { ${storeFields} } }`;
const storeQuery = `query ($id: ID!) { store(id: $id) { ${storeFields} } }`;

/** Straight to the products subgraph: domain codes are asserted where they are raised (the gateway's list of them is another change). */
const atProducts = <Data = Record<string, unknown>>(
  query: string,
  user: SignedInUser | undefined,
  variables: Record<string, unknown> = {},
) =>
  postGraphQL<Data>(test.subgraphUrl('products'), query, {
    ...(user === undefined ? {} : { token: user.accessToken }),
    variables,
    headers: { 'x-gateway-credential': TEST_GATEWAY_SECRET },
  });

const storeAs = async (user: SignedInUser | undefined, id: string) =>
  (await test.query<{ store: StoreView | null }>(storeQuery, { ...(user ? { token: user.accessToken } : {}), variables: { id } })).data
    ?.store ?? null;

const badFields = (result: GraphQLExchange) =>
  ((result.errors?.[0]?.extensions?.['fields'] ?? []) as Array<{ field: string }>).map((problem) => problem.field);

const products = () => test.platform.subgraphs.get('products')!;

/** The store events products wrote for a store, oldest first. */
async function storeEvents(storeId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const { rows } = await products().database.pool.query<{ envelope: { type: string; data: Record<string, unknown> } }>(
    `select envelope from outbox_events where topic = 'store.events' and key = $1 order by seq`,
    [storeId],
  );
  return rows.map((row) => row.envelope);
}

describe('saveStore', () => {
  it('reports every problem of an input at once', async () => {
    const supplier = await verifiedUser(test, 'SUPPLIER', 'Gás Errado');
    const result = await test.query(saveMutation, {
      token: supplier.accessToken,
      variables: {
        input: {
          ...paulistaStore,
          name: 'X',
          address: { ...paulistaStore.address, state: 'ZZ', postalCode: '123', latitude: 91 },
          timeZone: 'Mars/Olympus',
          deliveryArea: { radiusKm: 80 },
          openingHours: [{ weekday: 8, opens: '25:00', closes: '18:00' }],
          resellerType: 'BRANDED',
          brand: null,
          preparationMinutes: 500,
          deliveryFee: { baseAmount: -1, perKmAmount: 100, freeAboveAmount: 0 },
        },
      },
    });
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(badFields(result).sort()).toEqual(
      [
        'input.name',
        'input.address.state',
        'input.address.postalCode',
        'input.address.latitude',
        'input.timeZone',
        'input.deliveryArea.radiusKm',
        'input.openingHours.0.weekday',
        'input.openingHours.0.opens',
        'input.brand',
        'input.preparationMinutes',
        'input.deliveryFee.baseAmount',
        'input.deliveryFee.freeAboveAmount',
      ].sort(),
    );
  });

  it('opens a store its owner sees whole, publishes store.created, and replaces it whole with store.updated', async () => {
    const supplier = await verifiedUser(test, 'SUPPLIER', 'Gás Inteiro');
    const storeId = await openStore(test, supplier);
    const mine = await storeAs(supplier, storeId);
    expect(mine).toMatchObject({
      name: 'Gás da Paulista',
      status: 'OPEN',
      openNow: true,
      autoAccept: true,
      brand: 'Ultragaz',
      closedReason: null,
    });
    expect(mine?.authorization).toEqual({ number: `ANP-${supplier.id.slice(0, 8)}`, validUntil: '2099-12-31' });

    // Everybody sees the shop, not the owner's settings.
    const anonymous = await storeAs(undefined, storeId);
    expect(anonymous).toMatchObject({ id: storeId, status: 'OPEN', autoAccept: null, closedReason: null });

    const replaced = await test.query<{ saveStore: StoreView }>(saveMutation, {
      token: supplier.accessToken,
      variables: {
        input: {
          ...paulistaStore,
          id: storeId,
          name: 'Gás da Paulista 24h',
          deliveryArea: {
            radiusKm: 5,
            polygon: [
              { latitude: -23.5, longitude: -46.7 },
              { latitude: -23.5, longitude: -46.6 },
              { latitude: -23.6, longitude: -46.65 },
            ],
          },
        },
      },
    });
    expect(replaced.errors).toBeUndefined();
    expect(replaced.data?.saveStore.deliveryArea.radiusKm).toBe(5);
    expect(replaced.data?.saveStore.deliveryArea.polygon).toHaveLength(3);

    const events = await storeEvents(storeId);
    expect(events.map((event) => event.type)).toEqual(['store.created', 'store.updated']);
    expect(events.map((event) => event.data['revision'])).toEqual([1, 2]);
    expect(events[1]?.data['changed']).toEqual(['name', 'deliveryArea']);
    expect(events[0]?.data['authorization']).toEqual({ number: `ANP-${supplier.id.slice(0, 8)}`, validUntil: '2099-12-31' });
  });

  it('lets only the owner or an admin change a store', async () => {
    const [owner, other, customer, admin] = await Promise.all([
      verifiedUser(test, 'SUPPLIER', 'Gás do Dono'),
      verifiedUser(test, 'SUPPLIER', 'Gás Vizinho'),
      registerUser(test, 'CUSTOMER'),
      createAdmin(test),
    ]);
    const storeId = await openStore(test, owner);
    const byOther = await test.query(saveMutation, {
      token: other.accessToken,
      variables: { input: { ...paulistaStore, id: storeId, name: 'Roubada' } },
    });
    expect(firstCode(byOther)).toBe('FORBIDDEN');
    const byCustomer = await test.query('mutation ($id: ID!) { pauseStore(storeId: $id) { id } }', {
      token: customer.accessToken,
      variables: { id: storeId },
    });
    expect(firstCode(byCustomer)).toBe('FORBIDDEN');
    const byAdmin = await test.query<{ saveStore: StoreView }>(saveMutation, {
      token: admin.accessToken,
      variables: { input: { ...paulistaStore, id: storeId, name: 'Corrigida pelo admin' } },
    });
    expect(byAdmin.data?.saveStore.name).toBe('Corrigida pelo admin');
    expect((await storeAs(undefined, storeId))?.name).toBe('Corrigida pelo admin');

    const mine = await test.query<{ myStores: Array<{ id: string }> }>('{ myStores { id } }', { token: owner.accessToken });
    expect(mine.data?.myStores.map((store) => store.id)).toEqual([storeId]);
    const theirs = await test.query<{ myStores: Array<{ id: string }> }>('{ myStores { id } }', { token: other.accessToken });
    expect(theirs.data?.myStores).toEqual([]);
  });

  it('hides an inactive store from everybody but its owner', async () => {
    const owner = await verifiedUser(test, 'SUPPLIER', 'Gás Fechado');
    const storeId = await openStore(test, owner, { active: false });
    expect(await storeAs(undefined, storeId)).toBeNull();
    expect(await storeAs(owner, storeId)).toMatchObject({ status: 'INACTIVE', active: false });
  });
});

describe('opening hours and pauses', () => {
  it('says a store outside its hours is closed, and when it opens next', async () => {
    const owner = await verifiedUser(test, 'SUPPLIER', 'Gás Noturno');
    // Open one hour a day, starting two hours from now (in the store's zone, on whatever day that is).
    const opens = new Date(Date.now() + 2 * 3_600_000);
    const wall = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Sao_Paulo',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(opens);
    const closes = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Sao_Paulo',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(opens.getTime() + 3_600_000));
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: wall, closes }));
    const storeId = await openStore(test, owner, { openingHours: hours });
    const store = await storeAs(owner, storeId);
    expect(store?.status).toBe('CLOSED');
    expect(store?.openNow).toBe(false);
    expect(Math.abs(new Date(store!.opensAt!).getTime() - opens.getTime())).toBeLessThan(60_000);
    expect(store?.closedReason).toMatch(/Fora do horário/);
  });

  it('pauses a store, lifts a pause by itself when it ends, and resumes on demand', async () => {
    const owner = await verifiedUser(test, 'SUPPLIER', 'Gás Pausado');
    const storeId = await openStore(test, owner);
    const pause = `mutation ($id: ID!, $until: DateTime, $reason: String) { pauseStore(storeId: $id, until: $until, reason: $reason) { status pause { reason until } closedReason } }`;
    const paused = await test.query<{
      pauseStore: { status: string; pause: { reason: string; until: string | null }; closedReason: string };
    }>(pause, {
      token: owner.accessToken,
      variables: { id: storeId, reason: 'Sem entregador' },
    });
    expect(paused.data?.pauseStore).toMatchObject({ status: 'PAUSED', pause: { reason: 'Sem entregador', until: null } });
    expect((await storeAs(undefined, storeId))?.status).toBe('PAUSED');

    const resumed = await test.query<{ resumeStore: { status: string; pause: null } }>(
      'mutation ($id: ID!) { resumeStore(storeId: $id) { status pause { reason } } }',
      {
        token: owner.accessToken,
        variables: { id: storeId },
      },
    );
    expect(resumed.data?.resumeStore).toEqual({ status: 'OPEN', pause: null });

    // A pause with an end: once the end passes, the store is open again without anybody resuming it.
    await test.query(pause, { token: owner.accessToken, variables: { id: storeId, until: new Date(Date.now() + 1_500).toISOString() } });
    expect((await storeAs(owner, storeId))?.status).toBe('PAUSED');
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(await storeAs(owner, storeId)).toMatchObject({ status: 'OPEN', pause: null });

    const events = await storeEvents(storeId);
    expect(events.map((event) => event.type)).toEqual(['store.created', 'store.paused', 'store.resumed', 'store.paused']);
    expect(events.map((event) => event.data['revision'])).toEqual([1, 2, 3, 4]);
  });

  it('refuses a pause that ends in the past', async () => {
    const owner = await verifiedUser(test, 'SUPPLIER', 'Gás Apressado');
    const storeId = await openStore(test, owner);
    const result = await test.query('mutation ($id: ID!, $until: DateTime) { pauseStore(storeId: $id, until: $until) { id } }', {
      token: owner.accessToken,
      variables: { id: storeId, until: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(badFields(result)).toEqual(['until']);
  });
});

describe('authorisation', () => {
  it('closes a store whose authorisation expired, telling its owner why, and reopens it on a newer licence', async () => {
    const owner = await verifiedUser(test, 'SUPPLIER', 'Gás Vencido');
    const storeId = await openStore(test, owner);
    await products().database.pool.query(`update supplier_licences set valid_until = '2020-01-31' where supplier_id = $1`, [owner.id]);
    const expired = await storeAs(owner, storeId);
    expect(expired?.status).toBe('AUTHORIZATION_EXPIRED');
    expect(expired?.closedReason).toMatch(/venceu em 31\/01\/2020/);
    expect((await storeAs(undefined, storeId))?.closedReason).toBeNull();

    // verification approves a renewed licence: the store takes it, with a new revision and store.updated.
    const approval = pendingEvent(VerificationEvents.licenceApproved, { source: 'verification', correlationId: randomUUID() }, owner.id, {
      userId: owner.id,
      documentId: randomUUID(),
      authorizationNumber: 'ANP-RENOVADA-1',
      validUntil: '2031-06-30',
      reviewedBy: randomUUID(),
      approvedAt: new Date().toISOString(),
    });
    const verification = test.platform.subgraphs.get('verification')!;
    // Written into verification's outbox as its approval would, so the relay publishes it to products.
    await recordEvents(
      {
        $executeRawUnsafe: async (sql: string, ...values: unknown[]) => (await verification.database.pool.query(sql, values)).rowCount ?? 0,
      },
      [approval],
    );
    await expect
      .poll(async () => (await storeAs(owner, storeId))?.authorization, { timeout: 20_000 })
      .toEqual({ number: 'ANP-RENOVADA-1', validUntil: '2031-06-30' });
    expect((await storeAs(owner, storeId))?.status).toBe('OPEN');
    const events = await storeEvents(storeId);
    expect(events.at(-1)).toMatchObject({ type: 'store.updated', data: { revision: 2, changed: ['authorization'] } });
  });
});

describe('a deleted supplier', () => {
  it('has its stores deactivated, each announced with store.updated', async () => {
    const owner = await verifiedUser(test, 'SUPPLIER', 'Gás Encerrado');
    const storeId = await openStore(test, owner);
    expect((await test.query('mutation { deleteAccount }', { token: owner.accessToken })).data).toEqual({ deleteAccount: true });
    await expect
      .poll(async () => (await storeEvents(storeId)).at(-1), { timeout: 20_000 })
      .toMatchObject({
        type: 'store.updated',
        data: { active: false, revision: 2, changed: ['active'] },
      });
    expect(await storeAs(undefined, storeId)).toBeNull();
  });
});

describe('products in a store', () => {
  const create = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id brand saleType store { id name } } }`;

  it('puts a product in the supplier’s only store with its brand, and refuses another brand in a tied store', async () => {
    const owner = await verifiedUser(test, 'SUPPLIER', 'Revenda Ultragaz');
    const storeId = await openStore(test, owner);
    const created = await test.query<{ createProduct: { id: string; brand: string; saleType: string; store: { id: string } } }>(create, {
      token: owner.accessToken,
      variables: {
        input: { name: 'Botijão P13 completo', cylinderType: 'P13', priceAmount: 31_000, stockQuantity: 5, saleType: 'FULL_WITH_CYLINDER' },
      },
    });
    expect(created.data?.createProduct).toMatchObject({ brand: 'Ultragaz', saleType: 'FULL_WITH_CYLINDER', store: { id: storeId } });

    const otherBrand = await atProducts(create, owner, {
      input: { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 5, brand: 'Liquigás' },
    });
    expect(firstCode(otherBrand)).toBe('STORE_BRAND_RESTRICTED');
    expect(otherBrand.errors?.[0]?.extensions?.['storeBrand']).toBe('Ultragaz');
  });

  it('asks for a store when the supplier has none or several', async () => {
    const owner = await verifiedUser(test, 'SUPPLIER', 'Gás Sem Loja');
    const input = { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 5 };
    const none = await test.query(create, { token: owner.accessToken, variables: { input } });
    expect(firstCode(none)).toBe('BAD_USER_INPUT');
    expect(none.errors?.[0]?.message).toMatch(/saveStore/);

    await openStore(test, owner);
    const second = await openStore(test, owner, { name: 'Gás da Paulista II', resellerType: 'INDEPENDENT', brand: null });
    const several = await test.query(create, { token: owner.accessToken, variables: { input } });
    expect(badFields(several)).toEqual(['input.storeId']);
    const independentWithoutBrand = await test.query(create, {
      token: owner.accessToken,
      variables: { input: { ...input, storeId: second } },
    });
    expect(badFields(independentWithoutBrand)).toEqual(['input.brand']);
    const named = await test.query<{ createProduct: { brand: string; store: { id: string } } }>(create, {
      token: owner.accessToken,
      variables: { input: { ...input, storeId: second, brand: 'Nacional Gás' } },
    });
    expect(named.data?.createProduct).toMatchObject({ brand: 'Nacional Gás', store: { id: second } });
  });
});
