import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, probeEvents, publishEvent, type EventProbe } from '../support/event-probe.js';
import { firstCode, type GraphQLExchange } from '../support/graphql-client.js';
import { connectAs, liveFeed } from '../support/live-updates.js';
import { verifiedUser } from '../support/onboarding.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, type SignedInUser } from '../support/users.js';
import { UserEvents } from '../../subgraphs/accounts/src/events/index.js';
import { CourierEvents } from '../../subgraphs/couriers/src/events/index.js';
import { ORDER_TOPIC } from '../../subgraphs/orders/src/events/index.js';
import { ProductEvents, StoreEvents, type StoreSnapshot } from '../../subgraphs/products/src/events/index.js';
import { storeSnapshot } from '../../subgraphs/orders/test/store-fixture.js';

/**
 * Orders against a store, through the gateway on the real PostgreSQL and Kafka: every refusal,
 * the store's acceptance (by hand, automatic, refused, unanswered), the troca empties and the
 * store owner's live feed. These tests stand in for products (its store and product events, its
 * stock reservation) so that they decide exactly what orders knows; payments is real, so a
 * cancelled paid order is really refunded.
 */
let test: TestPlatform;
let orderEvents: EventProbe;
let supplier: SignedInUser;
let otherSupplier: SignedInUser;
let customer: SignedInUser;
let otherCustomer: SignedInUser;
let admin: SignedInUser;
const clients: Client[] = [];

/** Avenida Paulista 1000: where the test stores are. */
const storePoint = { latitude: -23.5614, longitude: -46.6559 };
/** Rua Augusta 1200, about 600 m from the stores. */
const address = {
  street: 'Rua Augusta',
  number: '1200',
  complement: 'apto 31',
  district: 'Consolação',
  city: 'São Paulo',
  state: 'SP',
  postalCode: '01304-001',
  latitude: -23.556123,
  longitude: -46.658987,
  notes: 'Portão azul',
};
/** Praça da Sé, about 2.5 km from the stores. */
const farAddress = { ...address, street: 'Praça da Sé', number: 'S/N', postalCode: '01001-000', latitude: -23.5503, longitude: -46.634 };

beforeAll(async () => {
  test = await startTestPlatform({ ORDERS_ACCEPTANCE_SWEEP_SECONDS: '1', PAYMENTS_RECOVERY_SECONDS: '1' });
  // These tests stand in for products' side of the saga: their products exist only as events.
  await test.platform.subgraphs
    .get('products')
    ?.consumers.find((consumer) => consumer.name === 'products.stock-reservations')
    ?.stop();
  orderEvents = await probeEvents(test.platform.eventBus, [ORDER_TOPIC]);
  [supplier, otherSupplier, customer, otherCustomer, admin] = await Promise.all([
    verifiedUser(test, 'SUPPLIER', 'Gás da Paulista'),
    verifiedUser(test, 'SUPPLIER', 'Gás do Outro'),
    registerUser(test, 'CUSTOMER', 'Joana Cliente'),
    registerUser(test, 'CUSTOMER', 'Pedro Vizinho'),
    createAdmin(test),
  ]);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await orderEvents?.stop();
  await test?.stop();
});

// ---------------------------------------------------------------------------
// Standing in for products
// ---------------------------------------------------------------------------

const ordersDatabase = (): Pool => {
  const orders = test.platform.subgraphs.get('orders');
  if (orders === undefined) throw new Error('orders subgraph not running');
  return orders.database.pool;
};

const revisions = new Map<string, number>();

/** Publishes a store's new snapshot (the next revision) and waits until orders keeps it. */
async function publishStore(overrides: Partial<StoreSnapshot> & { storeId?: string } = {}): Promise<StoreSnapshot> {
  const storeId = overrides.storeId ?? randomUUID();
  const revision = (revisions.get(storeId) ?? 0) + 1;
  revisions.set(storeId, revision);
  const base = storeSnapshot();
  const snapshot: StoreSnapshot = storeSnapshot({
    storeId,
    supplierId: supplier.id,
    address: { ...base.address, ...storePoint },
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })),
    updatedAt: new Date().toISOString(),
    ...overrides,
    // The revision is this helper's: a test passes the fields it changes.
    revision,
  });
  await publishEvent(test.platform.eventBus, revision === 1 ? StoreEvents.created : StoreEvents.paused, storeId, snapshot, 'products');
  await eventually(
    async () => {
      const { rows } = await ordersDatabase().query('select revision from store_views where store_id = $1', [storeId]);
      return rows[0]?.revision === revision ? true : undefined;
    },
    20_000,
    `orders to keep store ${storeId} revision ${revision}`,
  );
  return snapshot;
}

interface TestProduct {
  id: string;
  name: string;
  cylinderType: 'P13' | 'P45';
  saleType: 'REFILL_EXCHANGE' | 'FULL_WITH_CYLINDER' | 'EMPTY_CYLINDER';
  priceAmount: number;
}

/** Publishes product.created at a store and waits until orders' catalog has it. */
async function publishProduct(
  store: StoreSnapshot,
  fields: Partial<Omit<TestProduct, 'id'>> & { brand?: string; stockQuantity?: number } = {},
): Promise<TestProduct> {
  const product: TestProduct = {
    id: randomUUID(),
    name: 'Botijão P13 troca',
    cylinderType: 'P13',
    saleType: 'REFILL_EXCHANGE',
    priceAmount: 11_000,
    ...fields,
  };
  await publishEvent(
    test.platform.eventBus,
    ProductEvents.created,
    product.id,
    {
      productId: product.id,
      supplierId: store.supplierId,
      storeId: store.storeId,
      name: product.name,
      cylinderType: product.cylinderType,
      priceAmount: product.priceAmount,
      currency: 'BRL',
      stockQuantity: fields.stockQuantity ?? 100,
      lowStockThreshold: null,
      active: true,
      brand: fields.brand ?? 'Ultragaz',
      saleType: product.saleType,
    },
    'products',
  );
  await eventually(
    async () => {
      const { rows } = await ordersDatabase().query('select 1 from catalog_products where product_id = $1', [product.id]);
      return rows.length > 0 ? true : undefined;
    },
    20_000,
    `orders' catalog to show product ${product.id}`,
  );
  return product;
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

interface OrderView {
  id: string;
  status: string;
  store: { id: string } | null;
  pickup: { storeName: string; street: string; latitude: number } | null;
  distanceMeters: number | null;
  promisedBy: string | null;
  acceptBy: string | null;
  acceptedAt: string | null;
  emptiesShortfall: { amount: number } | null;
  items: Array<{
    productName: string;
    quantity: number;
    saleType: string | null;
    cylinderType: string | null;
    emptyShortfallUnitPrice: { amount: number } | null;
    emptiesCollected: number | null;
  }>;
  subtotal: { amount: number };
  deliveryFee: { amount: number };
  total: { amount: number };
  deliveryAddress: { street: string | null; notes: string | null } | null;
  cancellationReason: { reasonCode: string; reason: string } | null;
  createdAt: string;
}

const orderFields = `id status store { id } pickup { storeName street latitude } distanceMeters promisedBy acceptBy acceptedAt
  emptiesShortfall { amount }
  items { productName quantity saleType cylinderType emptyShortfallUnitPrice { amount } emptiesCollected }
  subtotal { amount } deliveryFee { amount } total { amount } deliveryAddress { street notes }
  cancellationReason { reasonCode reason } createdAt`;

const place = (user: SignedInUser, input: Record<string, unknown>) =>
  test.query<{ placeOrder: OrderView }>(`mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { ${orderFields} } }`, {
    token: user.accessToken,
    variables: { input: { deliveryAddress: address, paymentMethod: 'CASH_ON_DELIVERY', ...input } },
  });

async function placeOrder(
  store: StoreSnapshot,
  items: Array<{ product: TestProduct; quantity: number }>,
  input: Record<string, unknown> = {},
) {
  const result = await place(customer, {
    storeId: store.storeId,
    items: items.map(({ product, quantity }) => ({ productId: product.id, quantity })),
    ...input,
  });
  if (!result.data?.placeOrder) throw new Error(`placeOrder failed: ${JSON.stringify(result.errors)}`);
  return result.data.placeOrder;
}

async function readOrder(user: SignedInUser, id: string): Promise<OrderView> {
  const result = await test.query<{ order: OrderView }>(`query ($id: ID!) { order(id: $id) { ${orderFields} } }`, {
    token: user.accessToken,
    variables: { id },
  });
  if (!result.data?.order) throw new Error(`order failed: ${JSON.stringify(result.errors)}`);
  return result.data.order;
}

async function orderBecomes(id: string, status: string): Promise<OrderView> {
  await eventually(
    async () => {
      const { rows } = await ordersDatabase().query('select status from orders where id = $1', [id]);
      return rows[0]?.status === status ? true : undefined;
    },
    20_000,
    `order ${id} to become ${status}`,
  );
  return readOrder(customer, id);
}

/** Stands in for products' reservation: a cash order is then handed to its store. */
const reserveStock = (order: OrderView, lines: Array<{ product: TestProduct; quantity: number }>) =>
  publishEvent(
    test.platform.eventBus,
    ProductEvents.stockReserved,
    order.id,
    { orderId: order.id, items: lines.map(({ product, quantity }) => ({ productId: product.id, quantity })) },
    'products',
  );

const accept = (user: SignedInUser, id: string) =>
  test.query<{ acceptOrder: OrderView }>(`mutation ($id: ID!) { acceptOrder(id: $id) { ${orderFields} } }`, {
    token: user.accessToken,
    variables: { id },
  });

const reject = (user: SignedInUser, id: string, reason: string, outOfStockProductIds: string[] = []) =>
  test.query<{ rejectOrder: OrderView }>(
    `mutation ($id: ID!, $reason: String!, $out: [ID!]) { rejectOrder(id: $id, reason: $reason, outOfStockProductIds: $out) { ${orderFields} } }`,
    { token: user.accessToken, variables: { id, reason, out: outOfStockProductIds } },
  );

/** What orders wrote for a store: its orders, and the outbox rows about them. */
async function writtenFor(storeIds: readonly string[]): Promise<{ orders: number; events: number }> {
  const orders = await ordersDatabase().query('select count(*)::int as count from orders where store_id = any($1::uuid[])', [storeIds]);
  const events = await ordersDatabase().query(
    `select count(*)::int as count from outbox_events where envelope->'data'->>'storeId' = any($1::text[])`,
    [storeIds],
  );
  return { orders: orders.rows[0].count as number, events: events.rows[0].count as number };
}

const eventOf = async (type: string, orderId: string) => {
  const [event] = await orderEvents.waitFor((received) => received.envelope?.type === type && received.envelope.subject === orderId);
  return event?.envelope?.data as Record<string, unknown>;
};

const extensionsOf = (result: GraphQLExchange) => result.errors?.[0]?.extensions ?? {};

// ---------------------------------------------------------------------------
// Placing
// ---------------------------------------------------------------------------

describe('placing an order with a store', () => {
  it('charges the store’s fee for the distance, promises a time, fixes the empties’ price and names the pickup', async () => {
    const store = await publishStore({ preparationMinutes: 20 });
    const troca = await publishProduct(store);
    await publishProduct(store, { name: 'Botijão P13 completo', saleType: 'FULL_WITH_CYLINDER', priceAmount: 30_000 });
    const order = await placeOrder(store, [{ product: troca, quantity: 2 }]);
    expect(order).toMatchObject({
      status: 'PENDING_PAYMENT',
      store: { id: store.storeId },
      pickup: { storeName: 'Gás da Paulista', street: 'Avenida Paulista', latitude: storePoint.latitude },
      subtotal: { amount: 22_000 },
      items: [{ saleType: 'REFILL_EXCHANGE', cylinderType: 'P13', emptyShortfallUnitPrice: { amount: 19_000 }, emptiesCollected: null }],
    });
    // About 620 m: 500 + 200 per km × 0.7 km (rounded up to 100 m).
    expect(order.distanceMeters).toBeGreaterThan(500);
    expect(order.distanceMeters).toBeLessThan(700);
    expect(order.deliveryFee.amount).toBe(640);
    expect(order.total.amount).toBe(22_640);
    // Placed + 20 minutes' preparation + 2 minutes' ride + the 15-minute margin.
    expect(Date.parse(order.promisedBy!) - Date.parse(order.createdAt)).toBe(37 * 60_000);
    const created = await eventOf('order.created', order.id);
    expect(created).toMatchObject({ storeId: store.storeId, supplierId: supplier.id, deliveryFeeAmount: 640 });
  });

  it('refuses, with what the client needs to recover, and writes nothing', async () => {
    const store = await publishStore({ deliveryArea: { radiusMeters: 1_000, polygon: null }, minimumOrderAmount: 20_000 });
    const troca = await publishProduct(store);
    const scarce = await publishProduct(store, { stockQuantity: 1 });
    const elsewhere = await publishProduct(await publishStore());
    const tied = await publishStore({ resellerType: 'BRANDED', brand: 'Liquigás' });
    const otherBrand = await publishProduct(tied, { brand: 'Ultragaz' });
    const closed = await publishStore({ openingHours: [], exceptions: [] });
    const expired = await publishStore({ authorization: { number: 'ANP-SP-0002', validUntil: '2020-01-31' } });
    const pausedUntil = new Date(Date.now() + 3_600_000).toISOString();
    const paused = await publishStore({ pause: { reason: 'Sem entregador', since: new Date().toISOString(), until: pausedUntil } });
    const inactive = await publishStore({ active: false });
    const attempt = (storeId: string, items: Array<{ product: TestProduct; quantity: number }>, input: Record<string, unknown> = {}) =>
      place(customer, { storeId, items: items.map(({ product, quantity }) => ({ productId: product.id, quantity })), ...input });

    const outside = await attempt(store.storeId, [{ product: troca, quantity: 2 }], { deliveryAddress: farAddress });
    expect(extensionsOf(outside)).toMatchObject({ code: 'OUTSIDE_DELIVERY_AREA', radiusMeters: 1_000 });
    expect(extensionsOf(outside)['distanceMeters']).toBeGreaterThan(2_000);
    expect(extensionsOf(await attempt(store.storeId, [{ product: troca, quantity: 1 }]))).toMatchObject({
      code: 'BELOW_MINIMUM_ORDER',
      minimumOrderAmount: 20_000,
      subtotalAmount: 11_000,
    });
    expect(
      extensionsOf(
        await attempt(store.storeId, [
          { product: troca, quantity: 2 },
          { product: scarce, quantity: 2 },
          { product: elsewhere, quantity: 1 },
        ]),
      ),
    ).toMatchObject({
      code: 'PRODUCT_UNAVAILABLE',
      productIds: [scarce.id, elsewhere.id],
    });
    expect(extensionsOf(await attempt(tied.storeId, [{ product: otherBrand, quantity: 2 }]))).toMatchObject({
      code: 'BRAND_NOT_ALLOWED',
      storeBrand: 'Liquigás',
      productIds: [otherBrand.id],
    });
    expect(extensionsOf(await attempt(closed.storeId, [{ product: troca, quantity: 2 }]))).toMatchObject({
      code: 'STORE_CLOSED',
      nextOpensAt: null,
    });
    expect(extensionsOf(await attempt(expired.storeId, [{ product: troca, quantity: 2 }]))).toMatchObject({
      code: 'AUTHORIZATION_EXPIRED',
      validUntil: '2020-01-31',
    });
    expect(extensionsOf(await attempt(paused.storeId, [{ product: troca, quantity: 2 }]))).toMatchObject({
      code: 'STORE_PAUSED',
      until: pausedUntil,
      reason: 'Sem entregador',
    });
    expect(extensionsOf(await attempt(inactive.storeId, [{ product: troca, quantity: 2 }]))).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(firstCode(await attempt(randomUUID(), [{ product: troca, quantity: 2 }]))).toBe('NOT_FOUND');
    // Input problems come first, as BAD_USER_INPUT.
    const both = await attempt(store.storeId, [{ product: troca, quantity: 2 }], { addressId: randomUUID() });
    expect(extensionsOf(both)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.addressId' }] });

    const stores = [store, tied, closed, expired, paused, inactive].map((refusing) => refusing.storeId);
    expect(await writtenFor(stores)).toEqual({ orders: 0, events: 0 });
  });

  it('refuses once the store pauses while the customer looks, leaving nothing half-written', async () => {
    const store = await publishStore();
    const troca = await publishProduct(store);
    await placeOrder(store, [{ product: troca, quantity: 1 }]);
    await publishStore({ ...store, pause: { reason: 'Almoço', since: new Date().toISOString(), until: null } });
    const before = await writtenFor([store.storeId]);
    expect(before.orders).toBe(1);
    const refused = await place(customer, { storeId: store.storeId, items: [{ productId: troca.id, quantity: 1 }] });
    expect(extensionsOf(refused)).toMatchObject({ code: 'STORE_PAUSED', until: null, reason: 'Almoço' });
    expect(await writtenFor([store.storeId])).toEqual(before);
  });
});

// ---------------------------------------------------------------------------
// Acceptance
// ---------------------------------------------------------------------------

describe('the store accepting an order', () => {
  it('waits for the store, tells its owner live (and nobody else), and only the store or an admin accepts', async () => {
    const store = await publishStore();
    const otherStore = await publishStore({ supplierId: otherSupplier.id });
    const troca = await publishProduct(store);
    const theirs = await publishProduct(otherStore);
    const ownerPhone = connectAs(test, supplier.accessToken);
    const otherPhone = connectAs(test, otherSupplier.accessToken);
    const customerPhone = connectAs(test, customer.accessToken);
    clients.push(ownerPhone, otherPhone, customerPhone);
    const selection = 'orderAwaitingAcceptance { id status acceptBy items { productName } }';
    type Message = { orderAwaitingAcceptance: { id: string; status: string; acceptBy: string } };
    const ownerFeed = liveFeed<Message>(ownerPhone, `subscription { ${selection} }`);
    const ownerStoreFeed = liveFeed<Message>(
      ownerPhone,
      `subscription ($storeId: ID) { ${selection.replace('orderAwaitingAcceptance', 'orderAwaitingAcceptance(storeId: $storeId)')} }`,
      {
        storeId: otherStore.storeId,
      },
    );
    const otherFeed = liveFeed<Message>(otherPhone, `subscription { ${selection} }`);
    const customerFeed = liveFeed<Message>(customerPhone, `subscription { ${selection} }`);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const lines = [{ product: troca, quantity: 1 }];
    const order = await placeOrder(store, lines);
    await reserveStock(order, lines);
    const waiting = await orderBecomes(order.id, 'AWAITING_ACCEPTANCE');
    const queue = await test.query<{ orders: { nodes: Array<{ id: string }> } }>(
      'query ($storeId: ID) { orders(storeId: $storeId, status: AWAITING_ACCEPTANCE) { nodes { id } } }',
      { token: supplier.accessToken, variables: { storeId: store.storeId } },
    );
    expect(queue.data?.orders.nodes).toEqual([{ id: order.id }]);
    const heard = await ownerFeed.waitFor((data) => data.orderAwaitingAcceptance.id === order.id);
    expect(heard.orderAwaitingAcceptance).toMatchObject({ status: 'AWAITING_ACCEPTANCE', acceptBy: waiting.acceptBy });
    const awaiting = await eventOf('order.awaiting_acceptance', order.id);
    // The default deadline: 8 minutes.
    expect(Date.parse(String(awaiting['acceptBy'])) - Date.parse(String(awaiting['at']))).toBe(8 * 60_000);
    expect(awaiting).toMatchObject({ storeId: store.storeId, cylinders: [{ cylinderType: 'P13', quantity: 1, emptiesToCollect: 1 }] });

    // Another store's order reaches only that store's owner.
    const theirLines = [{ product: theirs, quantity: 1 }];
    const theirOrder = await placeOrder(otherStore, theirLines);
    await reserveStock(theirOrder, theirLines);
    await otherFeed.waitFor((data) => data.orderAwaitingAcceptance.id === theirOrder.id);
    expect(otherFeed.messages.some((message) => message.data?.orderAwaitingAcceptance.id === order.id)).toBe(false);
    expect(ownerFeed.messages.some((message) => message.data?.orderAwaitingAcceptance.id === theirOrder.id)).toBe(false);
    expect(ownerStoreFeed.messages).toEqual([]);
    expect(customerFeed.messages).toEqual([]);
    expect(customerFeed.failure()).toBeDefined();

    expect(firstCode(await accept(customer, order.id))).toBe('FORBIDDEN');
    expect(firstCode(await accept(otherSupplier, order.id))).toBe('NOT_FOUND');
    const accepted = await accept(supplier, order.id);
    expect(accepted.data?.acceptOrder).toMatchObject({ status: 'CONFIRMED' });
    expect(accepted.data?.acceptOrder.acceptedAt).not.toBeNull();
    expect(extensionsOf(await accept(supplier, order.id))).toMatchObject({ code: 'CONFLICT', currentStatus: 'CONFIRMED' });
    expect(await eventOf('order.accepted', order.id)).toMatchObject({
      storeId: store.storeId,
      acceptedBy: supplier.id,
      promisedBy: waiting.promisedBy,
    });
    expect(await eventOf('order.confirmed', order.id)).toMatchObject({
      pickup: { storeId: store.storeId, storeName: 'Gás da Paulista' },
      cylinders: [{ cylinderType: 'P13', quantity: 1, emptiesToCollect: 1 }],
      promisedBy: waiting.promisedBy,
    });

    // An admin may accept for the store.
    expect((await accept(admin, theirOrder.id)).data?.acceptOrder.status).toBe('CONFIRMED');
  });

  it('confirms at once for a store that auto-accepts', async () => {
    const store = await publishStore({ autoAccept: true });
    const troca = await publishProduct(store);
    const lines = [{ product: troca, quantity: 1 }];
    const order = await placeOrder(store, lines);
    await reserveStock(order, lines);
    const confirmed = await orderBecomes(order.id, 'CONFIRMED');
    expect(confirmed.acceptBy).toBeNull();
    expect(await eventOf('order.accepted', order.id)).toMatchObject({ acceptedBy: null });
  });

  it('cancels on the store’s rejection, naming the products out of stock, and only from AWAITING_ACCEPTANCE', async () => {
    const store = await publishStore();
    const troca = await publishProduct(store);
    const lines = [{ product: troca, quantity: 1 }];
    const order = await placeOrder(store, lines);
    expect(extensionsOf(await reject(supplier, order.id, 'Sem estoque'))).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'PENDING_PAYMENT',
    });
    await reserveStock(order, lines);
    await orderBecomes(order.id, 'AWAITING_ACCEPTANCE');
    expect(firstCode(await reject(customer, order.id, 'Mudei de ideia'))).toBe('FORBIDDEN');
    expect(extensionsOf(await reject(supplier, order.id, ' ', [randomUUID()]))).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'reason' }, { field: 'outOfStockProductIds.0' }],
    });
    const rejected = await reject(supplier, order.id, 'Acabou o P13', [troca.id]);
    expect(rejected.data?.rejectOrder).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: { reasonCode: 'STORE_REJECTED', reason: 'The store could not take your order: Acabou o P13' },
    });
    expect(await eventOf('order.rejected', order.id)).toMatchObject({
      storeId: store.storeId,
      rejectedBy: supplier.id,
      reason: 'Acabou o P13',
      outOfStockProductIds: [troca.id],
    });
    expect(await eventOf('order.cancelled', order.id)).toMatchObject({
      reasonCode: 'STORE_REJECTED',
      previousStatus: 'AWAITING_ACCEPTANCE',
    });
  });

  it('lets the customer cancel while the store has not answered', async () => {
    const store = await publishStore();
    const troca = await publishProduct(store);
    const lines = [{ product: troca, quantity: 1 }];
    const order = await placeOrder(store, lines);
    await reserveStock(order, lines);
    await orderBecomes(order.id, 'AWAITING_ACCEPTANCE');
    const result = await test.query<{ cancelOrder: { status: string } }>('mutation ($id: ID!) { cancelOrder(id: $id) { status } }', {
      token: customer.accessToken,
      variables: { id: order.id },
    });
    expect(result.data?.cancelOrder.status).toBe('CANCELLED');
  });

  it('cancels and refunds a paid order the store leaves unanswered', async () => {
    const store = await publishStore();
    const troca = await publishProduct(store);
    const lines = [{ product: troca, quantity: 1 }];
    const order = await placeOrder(store, lines, { paymentMethod: 'CARD' });
    await reserveStock(order, lines);
    await eventually(
      async () => {
        const result = await test.query<{ payOrder: { status: string } }>(
          'mutation ($input: PayOrderInput!) { payOrder(input: $input) { status } }',
          {
            token: customer.accessToken,
            variables: { input: { orderId: order.id, idempotencyKey: randomUUID(), card: { token: 'tok_success' } } },
          },
        );
        if (result.data?.payOrder) return true;
        if (firstCode(result) !== 'NOT_FOUND') throw new Error(JSON.stringify(result.errors));
        return undefined;
      },
      20_000,
      'the payment to be opened',
    );
    await orderBecomes(order.id, 'AWAITING_ACCEPTANCE');
    // The deadline passes: the store's 8 minutes, run forward.
    await ordersDatabase().query(`update orders set accept_by = now() - interval '1 second' where id = $1`, [order.id]);
    const cancelled = await orderBecomes(order.id, 'CANCELLED');
    expect(cancelled.cancellationReason).toEqual({
      reasonCode: 'STORE_DID_NOT_ANSWER',
      reason: 'The store did not confirm your order within 8 minutes, so it was cancelled; anything you paid is refunded.',
    });
    const refunded = await eventually(
      async () => {
        const { rows } = await ordersDatabase().query('select refunded_amount from orders where id = $1', [order.id]);
        return rows[0]?.refunded_amount === order.total.amount ? true : undefined;
      },
      30_000,
      'the refund to reach orders',
    );
    expect(refunded).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Troca: the empties
// ---------------------------------------------------------------------------

describe('the empties of troca lines', () => {
  it('records the empties collected and charges the missing ones as the order said', async () => {
    const store = await publishStore({ autoAccept: true });
    const troca = await publishProduct(store);
    await publishProduct(store, { name: 'Vasilhame P13', saleType: 'EMPTY_CYLINDER', priceAmount: 16_000 });
    const lines = [{ product: troca, quantity: 2 }];
    const order = await placeOrder(store, lines);
    expect(order.items[0]?.emptyShortfallUnitPrice).toEqual({ amount: 16_000 });
    await reserveStock(order, lines);
    await orderBecomes(order.id, 'CONFIRMED');
    const courierId = randomUUID();
    const parties = { orderId: order.id, customerId: customer.id, supplierId: supplier.id };
    await publishEvent(
      test.platform.eventBus,
      CourierEvents.pickedUp,
      order.id,
      { ...parties, courierId, pickedUpAt: new Date().toISOString() },
      'couriers',
    );
    await orderBecomes(order.id, 'IN_TRANSIT');
    const completed = {
      ...parties,
      courierId,
      emptiesCollected: [{ cylinderType: 'P13' as const, quantity: 1 }],
      completedAt: new Date().toISOString(),
    };
    await publishEvent(test.platform.eventBus, CourierEvents.deliveryCompleted, order.id, completed, 'couriers');
    const delivered = await orderBecomes(order.id, 'DELIVERED');
    await eventually(
      async () => ((await readOrder(customer, order.id)).emptiesShortfall !== null ? true : undefined),
      20_000,
      'the empties',
    );
    const settled = await readOrder(customer, order.id);
    expect(delivered.status).toBe('DELIVERED');
    expect(settled.emptiesShortfall).toEqual({ amount: 16_000 });
    expect(settled.items[0]?.emptiesCollected).toBe(1);
    expect(await eventOf('order.empties_shortfall', order.id)).toMatchObject({
      courierId,
      lines: [{ productId: troca.id, cylinderType: 'P13', expected: 2, collected: 1, unitAmount: 16_000 }],
      chargeAmount: 16_000,
      currency: 'BRL',
    });
  });
});

// ---------------------------------------------------------------------------
// Saved addresses
// ---------------------------------------------------------------------------

describe('saved addresses', () => {
  const saveMutation = `mutation ($input: SaveAddressInput!) { saveAddress(input: $input) {
    id label street number postalCode latitude longitude deliveryNotes } }`;
  const save = (user: SignedInUser, input: Record<string, unknown>) =>
    test.query<{ saveAddress: { id: string; label: string; latitude: number; longitude: number; deliveryNotes: string | null } }>(
      saveMutation,
      {
        token: user.accessToken,
        variables: { input },
      },
    );
  const home = {
    label: 'Casa',
    street: 'Avenida Paulista',
    number: '1578',
    district: 'Bela Vista',
    city: 'São Paulo',
    state: 'SP',
    postalCode: '01310-200',
    deliveryNotes: 'Interfone 12',
  };

  it('saves with coordinates from the geocoder, asks for them when the CEP is unknown, and is used by placeOrder', async () => {
    const saved = await save(customer, home);
    expect(saved.data?.saveAddress).toMatchObject({
      label: 'Casa',
      latitude: -23.5631,
      longitude: -46.6544,
      deliveryNotes: 'Interfone 12',
    });
    const addressId = saved.data!.saveAddress.id;
    const unknown = await save(customer, { ...home, postalCode: '99999-999' });
    expect(extensionsOf(unknown)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.latitude' }] });
    const replaced = await save(customer, { ...home, id: addressId, label: 'Casa da mãe', latitude: -23.56, longitude: -46.65 });
    expect(replaced.data?.saveAddress).toMatchObject({ id: addressId, label: 'Casa da mãe', latitude: -23.56 });
    expect(firstCode(await save(otherCustomer, { ...home, id: addressId }))).toBe('NOT_FOUND');

    const mine = await test.query<{ myAddresses: Array<{ id: string }> }>('{ myAddresses { id } }', { token: customer.accessToken });
    expect(mine.data?.myAddresses).toEqual([{ id: addressId }]);
    const theirs = await test.query<{ myAddresses: Array<{ id: string }> }>('{ myAddresses { id } }', { token: otherCustomer.accessToken });
    expect(theirs.data?.myAddresses).toEqual([]);

    const store = await publishStore();
    const troca = await publishProduct(store);
    const order = await place(customer, {
      deliveryAddress: null,
      addressId,
      storeId: store.storeId,
      items: [{ productId: troca.id, quantity: 1 }],
    });
    expect(order.data?.placeOrder.deliveryAddress).toEqual({ street: 'Avenida Paulista', notes: 'Interfone 12' });
    const notYours = await place(otherCustomer, {
      deliveryAddress: null,
      addressId,
      storeId: store.storeId,
      items: [{ productId: troca.id, quantity: 1 }],
    });
    expect(firstCode(notYours)).toBe('NOT_FOUND');

    const deleted = await test.query<{ deleteAddress: boolean }>('mutation ($id: ID!) { deleteAddress(id: $id) }', {
      token: customer.accessToken,
      variables: { id: addressId },
    });
    expect(deleted.data?.deleteAddress).toBe(true);
    const { rows } = await ordersDatabase().query(
      `select envelope->>'type' as type, envelope->'data' as data from outbox_events where key = $1 order by seq`,
      [addressId],
    );
    expect(rows.map((row: { type: string }) => row.type)).toEqual(['address.saved', 'address.saved', 'address.deleted']);
    expect(Object.keys(rows[0].data).sort()).toEqual(['addressId', 'latitude', 'longitude', 'savedAt', 'userId']);
  });
  it('go with their owner’s account, each announced as deleted', async () => {
    const leaving = await registerUser(test, 'CUSTOMER', 'Cliente de Saída');
    const saved = await save(leaving, { ...home, latitude: -23.57, longitude: -46.64 });
    const addressId = saved.data!.saveAddress.id;
    await publishEvent(test.platform.eventBus, UserEvents.deleted, leaving.id, { userId: leaving.id, roles: ['CUSTOMER'] }, 'accounts');
    await eventually(
      async () => {
        const { rows } = await ordersDatabase().query(
          `select envelope->'data' as data from outbox_events where key = $1 and envelope->>'type' = 'address.deleted'`,
          [addressId],
        );
        return rows[0] as { data: Record<string, unknown> } | undefined;
      },
      20_000,
      'address.deleted for the erased customer’s address',
    ).then((row) => expect(row.data).toMatchObject({ addressId, userId: leaving.id }));
    const { rows } = await ordersDatabase().query('select 1 from saved_addresses where user_id = $1', [leaving.id]);
    expect(rows).toEqual([]);
  });
});
