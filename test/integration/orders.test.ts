import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createEnvelope, GATEWAY_CREDENTIAL_HEADER, type EventData, type EventDefinition, type EventEnvelope } from '#kit';
import { eventually, probeEvents, publishEvent, type EventProbe } from '../support/event-probe.js';
import { firstCode, postGraphQL, type GraphQLExchange } from '../support/graphql-client.js';
import { verifiedUser } from '../support/onboarding.js';
import { startTestPlatform, TEST_GATEWAY_SECRET, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, type SignedInUser } from '../support/users.js';
import { UserEvents } from '../../subgraphs/accounts/src/events/index.js';
import { ORDER_TOPIC } from '../../subgraphs/orders/src/events/index.js';
import { PaymentEvents } from '../../subgraphs/payments/src/events/index.js';
import { PRODUCT_TOPIC, ProductEvents } from '../../subgraphs/products/src/events/index.js';
import { openStore, supplierWithStore } from '../support/stores.js';

/** The test store's fee: a flat R$ 15,00 whatever the distance. */
const DELIVERY_FEE = 1_500;

let test: TestPlatform;
let orderEvents: EventProbe;
let supplier: SignedInUser;
let storeId: string;
let customer: SignedInUser;
let admin: SignedInUser;
let p13: ProductView;
let p45: ProductView;

beforeAll(async () => {
  test = await startTestPlatform({ ORDERS_PAYMENT_TIMEOUT_SWEEP_SECONDS: '1' });
  // These tests stand in for products' side of the saga, publishing stock.* themselves, so
  // that they decide the order in which stock and payment news arrive.
  await test.platform.subgraphs
    .get('products')
    ?.consumers.find((consumer) => consumer.name === 'products.stock-reservations')
    ?.stop();
  orderEvents = await probeEvents(test.platform.eventBus, [ORDER_TOPIC]);
  [supplier, customer, admin] = await Promise.all([
    verifiedUser(test, 'SUPPLIER', 'Gás Paulista'),
    registerUser(test, 'CUSTOMER', 'Joana Cliente'),
    createAdmin(test),
  ]);
  storeId = await openStore(test, supplier, { deliveryFee: { baseAmount: DELIVERY_FEE, perKmAmount: 0, freeAboveAmount: null } });
  await storeKnown(storeId);
  p13 = await createProduct(supplier, { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000 });
  p45 = await createProduct(supplier, { name: 'Cilindro P45', cylinderType: 'P45', priceAmount: 39_990 });
});
afterAll(async () => {
  await orderEvents?.stop();
  await test?.stop();
});

// ---------------------------------------------------------------------------
// Operations and helpers
// ---------------------------------------------------------------------------

interface ProductView {
  id: string;
  name: string;
  price: { amount: number; currency: string };
}

interface Money {
  amount: number;
  currency: string;
}

interface OrderView {
  id: string;
  status: string;
  customer: { id: string };
  supplier: { id: string };
  items: Array<{ product: { id: string } | null; productName: string; quantity: number; unitPrice: Money; lineTotal: Money }>;
  subtotal: Money;
  deliveryFee: Money;
  total: Money;
  paymentMethod: string;
  deliveryAddress: Record<string, unknown> | null;
  history: Array<{ from: string | null; to: string; at: string; actorId: string | null; actorRole: string; reason: string | null }>;
  cancellationReason: { reasonCode: string; reason: string; cancelledBy: { id: string } | null; cancelledAt: string } | null;
  lastPaymentFailure: { reasonCode: string; reason: string; failedAt: string } | null;
  stockReserved: boolean;
  paid: boolean;
  refunded: Money;
  paymentDueAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const orderFields = `id status customer { id } supplier { id }
  items { product { id } productName quantity unitPrice { amount currency } lineTotal { amount currency } }
  subtotal { amount currency } deliveryFee { amount currency } total { amount currency } paymentMethod
  deliveryAddress { street number complement district city state postalCode latitude longitude notes }
  history { from to at actorId actorRole reason }
  cancellationReason { reasonCode reason cancelledBy { id } cancelledAt }
  lastPaymentFailure { reasonCode reason failedAt }
  stockReserved paid refunded { amount currency } paymentDueAt createdAt updatedAt`;

const placeMutation = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { ${orderFields} } }`;
const orderQuery = `query ($id: ID!) { order(id: $id) { ${orderFields} } }`;
const ordersQuery = `query ($first: Int, $after: String, $status: OrderStatus) {
  orders(first: $first, after: $after, status: $status) { totalCount nodes { id status createdAt } pageInfo { endCursor hasNextPage } }
}`;
const cancelMutation = `mutation ($id: ID!, $reason: String) { cancelOrder(id: $id, reason: $reason) { ${orderFields} } }`;
const startMutation = `mutation ($id: ID!) { startDelivery(id: $id) { ${orderFields} } }`;
const completeMutation = `mutation ($id: ID!) { completeDelivery(id: $id) { ${orderFields} } }`;

/** Rua Augusta, São Paulo. */
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
  notes: 'Deixar com o porteiro',
};

const ordersDatabase = (): Pool => {
  const orders = test.platform.subgraphs.get('orders');
  if (orders === undefined) throw new Error('orders subgraph not running');
  return orders.database.pool;
};

const consumerOf = (name: string) => {
  const consumer = test.platform.subgraphs.get('orders')?.consumers.find((candidate) => candidate.name === name);
  if (consumer === undefined) throw new Error(`no consumer ${name}`);
  return consumer;
};

/** Creates a product through the gateway and waits until orders' catalog projection has it. */
async function createProduct(owner: SignedInUser, input: Record<string, unknown>): Promise<ProductView> {
  const result = await test.query<{ createProduct: ProductView }>(
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id name price { amount currency } } }',
    { token: owner.accessToken, variables: { input: { stockQuantity: 100, ...input } } },
  );
  if (!result.data?.createProduct) throw new Error(`createProduct failed: ${JSON.stringify(result.errors)}`);
  await catalogRowMatches(result.data.createProduct.id, (row) => row.active === true);
  return result.data.createProduct;
}

async function updateProduct(owner: SignedInUser, id: string, input: Record<string, unknown>): Promise<void> {
  const result = await test.query('mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', {
    token: owner.accessToken,
    variables: { id, input },
  });
  if (result.errors) throw new Error(`updateProduct failed: ${JSON.stringify(result.errors)}`);
}

/** Waits until orders' copy of a product satisfies `check`. */
async function catalogRowMatches(productId: string, check: (row: Record<string, any>) => boolean): Promise<Record<string, any>> {
  return eventually(
    async () => {
      const { rows } = await ordersDatabase().query('select * from catalog_products where product_id = $1', [productId]);
      return rows[0] !== undefined && check(rows[0]) ? (rows[0] as Record<string, any>) : undefined;
    },
    15_000,
    `orders' catalog to show product ${productId}`,
  );
}

/** Waits until orders has heard of a store (its copy arrives by event). */
async function storeKnown(id: string): Promise<void> {
  await eventually(
    async () => ((await ordersDatabase().query('select 1 from store_views where store_id = $1', [id])).rows.length > 0 ? true : undefined),
    15_000,
    `orders to know store ${id}`,
  );
}

/** placeOrder with the test store unless the input names another. */
const place = (user: SignedInUser | undefined, input: Record<string, unknown>) =>
  test.query<{ placeOrder: OrderView }>(placeMutation, {
    ...(user ? { token: user.accessToken } : {}),
    variables: { input: { storeId, ...input } },
  });

async function placeOrder(
  user: SignedInUser = customer,
  items: Array<{ product: ProductView; quantity: number }> = [{ product: p13, quantity: 1 }],
  paymentMethod = 'CARD',
): Promise<OrderView> {
  const result = await place(user, {
    items: items.map(({ product, quantity }) => ({ productId: product.id, quantity })),
    deliveryAddress: address,
    paymentMethod,
  });
  if (!result.data?.placeOrder) throw new Error(`placeOrder failed: ${JSON.stringify(result.errors)}`);
  return result.data.placeOrder;
}

const orderAs = (user: SignedInUser, id: string) =>
  test.query<{ order: OrderView | null }>(orderQuery, { token: user.accessToken, variables: { id } });

async function readOrder(user: SignedInUser, id: string): Promise<OrderView> {
  const result = await orderAs(user, id);
  if (!result.data?.order) throw new Error(`order failed: ${JSON.stringify(result.errors)}`);
  return result.data.order;
}

/** Waits (reading orders' table, not the rate-limited gateway) until the order's row satisfies `check`, then reads it as `user`. */
async function orderBecomes(id: string, check: (row: Record<string, any>) => boolean, user: SignedInUser = customer): Promise<OrderView> {
  await eventually(
    async () => {
      const { rows } = await ordersDatabase().query('select * from orders where id = $1', [id]);
      return rows[0] !== undefined && check(rows[0]) ? true : undefined;
    },
    15_000,
    `order ${id} to change`,
  );
  return readOrder(user, id);
}

const changeStatus = (mutation: string, user: SignedInUser, id: string, reason?: string) =>
  test.query<Record<string, OrderView>>(mutation, {
    token: user.accessToken,
    variables: { id, ...(reason === undefined ? {} : { reason }) },
  });

/** The field paths named in a BAD_USER_INPUT error. */
const badFields = (result: GraphQLExchange) =>
  ((result.errors?.[0]?.extensions?.['fields'] ?? []) as Array<{ field: string }>).map((problem) => problem.field).sort();

async function publish<Schema extends z.ZodType>(
  definition: EventDefinition<Schema>,
  orderId: string,
  data: EventData<EventDefinition<Schema>>,
): Promise<EventEnvelope> {
  return publishEvent(test.platform.eventBus, definition, orderId, data);
}

const lines = (order: OrderView) => order.items.map((item) => ({ productId: item.product!.id, quantity: item.quantity }));

const reserveStock = (order: OrderView) => publish(ProductEvents.stockReserved, order.id, { orderId: order.id, items: lines(order) });

const capturePayment = (order: OrderView) =>
  publish(PaymentEvents.processed, order.id, {
    paymentId: randomUUID(),
    orderId: order.id,
    customerId: order.customer.id,
    supplierId: order.supplier.id,
    amount: order.total.amount,
    currency: order.total.currency,
    method: order.paymentMethod as 'CARD',
    providerReference: `sandbox-${randomUUID()}`,
    capturedAt: new Date().toISOString(),
  });

/** Waits until a consumer has recorded the event as processed: its effect, if any, is committed. */
async function processed(consumer: string, envelope: EventEnvelope): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await ordersDatabase().query('select 1 from processed_events where consumer = $1 and event_id = $2', [
        consumer,
        envelope.id,
      ]);
      return rows.length > 0 ? true : undefined;
    },
    15_000,
    `${consumer} to process ${envelope.type}`,
  );
}

/** A card order confirmed by the saga: stock reserved, payment captured. */
async function confirmedOrder(user: SignedInUser = customer): Promise<OrderView> {
  const order = await placeOrder(user);
  await reserveStock(order);
  await capturePayment(order);
  return orderBecomes(order.id, (row) => row.status === 'CONFIRMED');
}

// ---------------------------------------------------------------------------
// Placing orders
// ---------------------------------------------------------------------------

describe('placing an order', () => {
  it('prices the items from the catalog, adds the delivery fee and announces order.created', async () => {
    const order = await placeOrder(
      customer,
      [
        { product: p13, quantity: 2 },
        { product: p45, quantity: 1 },
      ],
      'PIX',
    );

    expect(order).toMatchObject({
      status: 'PENDING_PAYMENT',
      customer: { id: customer.id },
      supplier: { id: supplier.id },
      items: [
        {
          product: { id: p13.id },
          productName: 'Botijão P13',
          quantity: 2,
          unitPrice: { amount: 11_000, currency: 'BRL' },
          lineTotal: { amount: 22_000, currency: 'BRL' },
        },
        {
          product: { id: p45.id },
          productName: 'Cilindro P45',
          quantity: 1,
          unitPrice: { amount: 39_990, currency: 'BRL' },
          lineTotal: { amount: 39_990, currency: 'BRL' },
        },
      ],
      subtotal: { amount: 61_990, currency: 'BRL' },
      deliveryFee: { amount: DELIVERY_FEE, currency: 'BRL' },
      total: { amount: 63_490, currency: 'BRL' },
      paymentMethod: 'PIX',
      deliveryAddress: { ...address, postalCode: '01304001' },
      history: [{ from: null, to: 'PENDING_PAYMENT', actorId: customer.id, actorRole: 'CUSTOMER', reason: null }],
      cancellationReason: null,
      lastPaymentFailure: null,
      stockReserved: false,
      paid: false,
      refunded: { amount: 0, currency: 'BRL' },
    });
    // The default payment window: 30 minutes.
    expect(Date.parse(order.paymentDueAt!) - Date.parse(order.createdAt)).toBe(30 * 60_000);

    const [created] = await orderEvents.waitFor((event) => event.envelope?.type === 'order.created' && event.envelope.subject === order.id);
    expect(created?.key).toBe(order.id);
    expect(created?.envelope?.data).toEqual({
      orderId: order.id,
      customerId: customer.id,
      supplierId: supplier.id,
      items: [
        { productId: p13.id, quantity: 2, unitPriceAmount: 11_000, lineTotalAmount: 22_000 },
        { productId: p45.id, quantity: 1, unitPriceAmount: 39_990, lineTotalAmount: 39_990 },
      ],
      subtotalAmount: 61_990,
      deliveryFeeAmount: DELIVERY_FEE,
      totalAmount: 63_490,
      currency: 'BRL',
      paymentMethod: 'PIX',
      deliveryLocation: { latitude: address.latitude, longitude: address.longitude },
      storeId,
      createdAt: order.createdAt,
    });
  });

  it('resolves each item’s product and the parties through the supergraph', async () => {
    const order = await placeOrder();
    const result = await test.query(
      `query ($id: ID!) { order(id: $id) { customer { name } supplier { name } items { product { name price { amount } } } } }`,
      {
        token: customer.accessToken,
        variables: { id: order.id },
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      order: {
        customer: { name: 'Joana Cliente' },
        supplier: { name: 'Gás Paulista' },
        items: [{ product: { name: 'Botijão P13', price: { amount: 11_000 } } }],
      },
    });
  });

  it('keeps the price it was placed at when the catalog’s price changes later', async () => {
    const product = await createProduct(supplier, { name: 'Botijão P8', cylinderType: 'P8', priceAmount: 8_000 });
    const before = await placeOrder(customer, [{ product, quantity: 1 }]);
    await updateProduct(supplier, product.id, { priceAmount: 9_000 });
    await catalogRowMatches(product.id, (row) => row.price_amount === 9_000);

    const after = await placeOrder(customer, [{ product, quantity: 1 }]);
    expect(after.items[0]?.unitPrice.amount).toBe(9_000);
    expect((await readOrder(customer, before.id)).items[0]?.unitPrice.amount).toBe(8_000);
  });

  it('reports every problem with the input together', async () => {
    const result = await place(customer, {
      items: [
        { productId: p13.id, quantity: 0 },
        { productId: p45.id, quantity: -2 },
        { productId: p13.id, quantity: 1 },
        { productId: 'not-an-id', quantity: 1 },
      ],
      deliveryAddress: { ...address, state: 'São Paulo', postalCode: '1304-001', latitude: -95, longitude: 200 },
      paymentMethod: 'CARD',
    });
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(result.data).toBeNull();
    expect(badFields(result)).toEqual(
      [
        'input.items.0.quantity',
        'input.items.1.quantity',
        'input.items.2.productId',
        'input.items.3.productId',
        'input.deliveryAddress.state',
        'input.deliveryAddress.postalCode',
        'input.deliveryAddress.latitude',
        'input.deliveryAddress.longitude',
      ].sort(),
    );
    expect(result.errors?.[0]?.message).toContain('input.items.3.productId: is not a product id');
  });

  it('refuses a fractional quantity before it reaches the order', async () => {
    const result = await place(customer, {
      items: [{ productId: p13.id, quantity: 1.5 }],
      deliveryAddress: address,
      paymentMethod: 'CARD',
    });
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/quantity.*non-integer|non-integer.*1\.5/);
  });

  it('refuses more than 20 items, and no items at all', async () => {
    const many = Array.from({ length: 21 }, () => ({ productId: randomUUID(), quantity: 1 }));
    const tooMany = await place(customer, { items: many, deliveryAddress: address, paymentMethod: 'PIX' });
    expect(firstCode(tooMany)).toBe('BAD_USER_INPUT');
    expect(badFields(tooMany)).toContain('input.items');
    expect(tooMany.errors?.[0]?.message).toContain('input.items: must list at most 20 products');

    const none = await place(customer, { items: [], deliveryAddress: address, paymentMethod: 'PIX' });
    expect(badFields(none)).toEqual(['input.items']);
  });

  it('refuses products another store sells, naming them', async () => {
    const other = await verifiedUser(test, 'SUPPLIER', 'Outra Gás');
    await storeKnown(await openStore(test, other));
    const theirs = await createProduct(other, { name: 'Botijão P13 da Outra', cylinderType: 'P13', priceAmount: 10_500 });
    const result = await place(customer, {
      items: [
        { productId: p13.id, quantity: 1 },
        { productId: theirs.id, quantity: 1 },
      ],
      deliveryAddress: address,
      paymentMethod: 'PIX',
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'PRODUCT_UNAVAILABLE', productIds: [theirs.id] });
  });

  it('refuses an inactive product as it refuses an unknown one, naming the item', async () => {
    const product = await createProduct(supplier, { name: 'Botijão P2', cylinderType: 'P2', priceAmount: 4_000 });
    await updateProduct(supplier, product.id, { active: false });
    await catalogRowMatches(product.id, (row) => row.active === false);

    const inactive = await place(customer, {
      items: [{ productId: product.id, quantity: 1 }],
      deliveryAddress: address,
      paymentMethod: 'PIX',
    });
    const unknown = await place(customer, {
      items: [{ productId: randomUUID(), quantity: 1 }],
      deliveryAddress: address,
      paymentMethod: 'PIX',
    });
    expect(inactive.errors?.[0]?.extensions).toMatchObject({ code: 'PRODUCT_UNAVAILABLE', productIds: [product.id] });
    expect(inactive.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
  });

  it('refuses an order whose total would pass R$ 1.000.000,00', async () => {
    const dear = await createProduct(supplier, { name: 'Central de gás P90', cylinderType: 'P90', priceAmount: 10_000_000 });
    const result = await place(customer, { items: [{ productId: dear.id, quantity: 10 }], deliveryAddress: address, paymentMethod: 'PIX' });
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain(`input.items: bring the total to ${100_000_000 + DELIVERY_FEE} minor units`);
  });

  it('is for customers only', async () => {
    const input = { items: [{ productId: p13.id, quantity: 1 }], deliveryAddress: address, paymentMethod: 'PIX' };
    expect(firstCode(await place(supplier, input))).toBe('FORBIDDEN');
    expect(firstCode(await place(undefined, input))).toBe('UNAUTHENTICATED');
  });
});

// ---------------------------------------------------------------------------
// Who sees an order
// ---------------------------------------------------------------------------

describe('who sees an order', () => {
  it('answers another customer and another supplier exactly as for a missing order', async () => {
    const order = await placeOrder();
    const strangerCustomer = await registerUser(test);
    const strangerSupplier = await supplierWithStore(test, 'Gás Alheio');
    const missing = await orderAs(customer, randomUUID());
    expect(firstCode(missing)).toBe('NOT_FOUND');
    for (const stranger of [strangerCustomer, strangerSupplier]) {
      const result = await orderAs(stranger, order.id);
      expect(result.data).toEqual(missing.data);
      expect(result.errors?.map(({ message, extensions }) => ({ message, code: extensions?.['code'] }))).toEqual(
        missing.errors?.map(({ message, extensions }) => ({ message, code: extensions?.['code'] })),
      );
      expect(firstCode(await changeStatus(cancelMutation, stranger, order.id))).toBe('NOT_FOUND');
    }
    expect(firstCode(await orderAs(customer, 'not-a-uuid'))).toBe('NOT_FOUND');
    expect(firstCode(await test.query(orderQuery, { variables: { id: order.id } }))).toBe('UNAUTHENTICATED');
  });

  it('shows the order, address included, to its customer, its supplier and admins', async () => {
    const order = await placeOrder();
    for (const viewer of [customer, supplier, admin]) {
      const seen = await readOrder(viewer, order.id);
      expect(seen.id).toBe(order.id);
      expect(seen.deliveryAddress).toMatchObject({ street: 'Rua Augusta', number: '1200' });
    }
  });

  it('lists each participant’s own orders newest first, and every order to admins', async () => {
    const buyer = await registerUser(test, 'CUSTOMER', 'Pedro Comprador');
    const placed = [await placeOrder(buyer), await placeOrder(buyer), await placeOrder(buyer)];
    const newestFirst = placed.map((order) => order.id).reverse();

    const first = await test.query(ordersQuery, { token: buyer.accessToken, variables: { first: 2 } });
    expect(first.data?.orders).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const second = await test.query(ordersQuery, {
      token: buyer.accessToken,
      variables: { first: 2, after: first.data?.orders.pageInfo.endCursor },
    });
    expect(second.data?.orders.pageInfo.hasNextPage).toBe(false);
    expect([...(first.data?.orders.nodes ?? []), ...(second.data?.orders.nodes ?? [])].map((node: { id: string }) => node.id)).toEqual(
      newestFirst,
    );

    const others = await test.query(ordersQuery, { token: customer.accessToken, variables: { first: 100 } });
    expect(others.data?.orders.nodes.map((node: { id: string }) => node.id)).not.toContain(placed[0]!.id);
    for (const viewer of [supplier, admin]) {
      const listed = await test.query(ordersQuery, { token: viewer.accessToken, variables: { first: 100, status: 'PENDING_PAYMENT' } });
      expect(listed.data?.orders.nodes.map((node: { id: string }) => node.id)).toEqual(expect.arrayContaining(newestFirst));
    }
    const cancelled = await test.query(ordersQuery, { token: buyer.accessToken, variables: { status: 'CANCELLED' } });
    expect(cancelled.data?.orders.totalCount).toBe(0);

    const mine = await test.query(`{ me { orders(first: 5) { totalCount nodes { id } } } }`, { token: buyer.accessToken });
    expect(mine.data?.me.orders).toEqual({ totalCount: 3, nodes: newestFirst.map((id) => ({ id })) });
    const asAdmin = await test.query(`query ($id: ID!) { user(id: $id) { orders { totalCount } } }`, {
      token: admin.accessToken,
      variables: { id: buyer.id },
    });
    expect(asAdmin.data?.user.orders.totalCount).toBe(3);
  });

  it('resolves an order entity or a user’s orders for other subgraphs only for those who may see them', async () => {
    const order = await placeOrder();
    const stranger = await registerUser(test);
    const entities = (token: string, representations: Array<Record<string, string>>, selection: string) =>
      postGraphQL<{ _entities: Array<Record<string, any> | null> }>(
        test.subgraphUrl('orders'),
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`,
        { token, headers: { [GATEWAY_CREDENTIAL_HEADER]: TEST_GATEWAY_SECRET }, variables: { representations } },
      );
    const asStranger = await entities(
      stranger.accessToken,
      [{ __typename: 'Order', id: order.id }],
      '... on Order { id total { amount } }',
    );
    expect(asStranger.data?._entities).toEqual([null]);
    const asCustomer = await entities(customer.accessToken, [{ __typename: 'Order', id: order.id }], '... on Order { id }');
    expect(asCustomer.data?._entities).toEqual([{ id: order.id }]);
    const theirOrders = await entities(
      stranger.accessToken,
      [{ __typename: 'User', id: customer.id }],
      '... on User { orders { totalCount } }',
    );
    expect(firstCode(theirOrders)).toBe('FORBIDDEN');
  });
});

// ---------------------------------------------------------------------------
// The status machine
// ---------------------------------------------------------------------------

describe('the status machine', () => {
  it('takes a confirmed order in transit by its supplier and delivered by an admin only, recording every actor and announcing each step', async () => {
    const order = await confirmedOrder();

    const refused = await changeStatus(startMutation, customer, order.id);
    expect(firstCode(refused)).toBe('FORBIDDEN');
    const early = await changeStatus(completeMutation, admin, order.id);
    expect(firstCode(early)).toBe('CONFLICT');
    expect(early.errors?.[0]?.extensions).toMatchObject({ currentStatus: 'CONFIRMED', requestedStatus: 'DELIVERED' });
    expect(early.errors?.[0]?.message).toContain('from CONFIRMED it can move to IN_TRANSIT (by its supplier or an admin) or CANCELLED');

    const started = await changeStatus(startMutation, supplier, order.id);
    expect(started.data?.startDelivery?.status).toBe('IN_TRANSIT');
    const lateCancel = await changeStatus(cancelMutation, customer, order.id);
    expect(firstCode(lateCancel)).toBe('CONFLICT');
    expect(lateCancel.errors?.[0]?.extensions).toMatchObject({ currentStatus: 'IN_TRANSIT', requestedStatus: 'CANCELLED' });

    // The handover needs the customer's code, which the supplier does not have: its word is not proof.
    const bySupplier = await changeStatus(completeMutation, supplier, order.id);
    expect(firstCode(bySupplier)).toBe('FORBIDDEN');
    expect(bySupplier.errors?.[0]?.message).toBe(
      'Only an admin or its courier with the customer’s delivery code may move an order to DELIVERED.',
    );
    const delivered = (await changeStatus(completeMutation, admin, order.id)).data?.completeDelivery;
    expect(delivered?.status).toBe('DELIVERED');
    expect(delivered?.history.map(({ from, to, actorId, actorRole }) => ({ from, to, actorId, actorRole }))).toEqual([
      { from: null, to: 'PENDING_PAYMENT', actorId: customer.id, actorRole: 'CUSTOMER' },
      { from: 'PENDING_PAYMENT', to: 'CONFIRMED', actorId: null, actorRole: 'SYSTEM' },
      { from: 'CONFIRMED', to: 'IN_TRANSIT', actorId: supplier.id, actorRole: 'SUPPLIER' },
      { from: 'IN_TRANSIT', to: 'DELIVERED', actorId: admin.id, actorRole: 'ADMIN' },
    ]);
    const again = await changeStatus(completeMutation, admin, order.id);
    expect(again.errors?.[0]?.message).toBe('This order is already DELIVERED.');
    const afterwards = await changeStatus(cancelMutation, admin, order.id);
    expect(firstCode(afterwards)).toBe('CONFLICT');
    expect(afterwards.errors?.[0]?.message).toContain('DELIVERED, a final status');

    // The store accepts automatically: order.accepted comes with order.confirmed.
    const events = await orderEvents.waitFor((event) => event.envelope?.subject === order.id && event.envelope.type !== 'order.created', 4);
    expect(events.map((event) => event.envelope?.type)).toEqual([
      'order.accepted',
      'order.confirmed',
      'order.in_transit',
      'order.delivered',
    ]);
    expect(events[1]?.envelope?.data).toMatchObject({
      orderId: order.id,
      cylinderCount: 1,
      totalAmount: order.total.amount,
      paymentMethod: 'CARD',
    });
    expect(events[3]?.envelope?.data).toMatchObject({
      courierId: null,
      paymentMethod: 'CARD',
      totalAmount: order.total.amount,
      currency: 'BRL',
    });
  });

  it('lets the customer cancel a pending order once, with their reason, and tells products and payments', async () => {
    const order = await placeOrder(customer, [{ product: p13, quantity: 3 }]);
    const cancelled = (await changeStatus(cancelMutation, customer, order.id, 'Comprei no vizinho')).data?.cancelOrder;
    expect(cancelled).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: { reasonCode: 'CUSTOMER_REQUEST', reason: 'Comprei no vizinho', cancelledBy: { id: customer.id } },
    });
    expect(cancelled?.history.at(-1)).toMatchObject({
      from: 'PENDING_PAYMENT',
      to: 'CANCELLED',
      actorId: customer.id,
      actorRole: 'CUSTOMER',
      reason: 'Comprei no vizinho',
    });

    const again = await changeStatus(cancelMutation, customer, order.id);
    expect(firstCode(again)).toBe('CONFLICT');
    expect(again.errors?.[0]?.extensions).toMatchObject({ currentStatus: 'CANCELLED', requestedStatus: 'CANCELLED' });

    const [event] = await orderEvents.waitFor(
      (candidate) => candidate.envelope?.type === 'order.cancelled' && candidate.envelope.subject === order.id,
    );
    expect(event?.envelope?.data).toMatchObject({
      orderId: order.id,
      previousStatus: 'PENDING_PAYMENT',
      reasonCode: 'CUSTOMER_REQUEST',
      reason: 'Comprei no vizinho',
      cancelledBy: customer.id,
      items: [{ productId: p13.id, quantity: 3 }],
    });
  });

  it('records who cancelled a confirmed order: supplier or admin', async () => {
    const bySupplier = await confirmedOrder();
    const supplierCancel = (await changeStatus(cancelMutation, supplier, bySupplier.id)).data?.cancelOrder;
    expect(supplierCancel?.cancellationReason).toMatchObject({
      reasonCode: 'SUPPLIER_REQUEST',
      reason: 'Cancelled by the supplier.',
      cancelledBy: { id: supplier.id },
    });

    const byAdmin = await confirmedOrder();
    const adminCancel = (await changeStatus(cancelMutation, admin, byAdmin.id, 'Endereço fora da área')).data?.cancelOrder;
    expect(adminCancel?.cancellationReason).toMatchObject({ reasonCode: 'ADMIN_REQUEST', cancelledBy: { id: admin.id } });
    expect(adminCancel?.history.at(-1)).toMatchObject({ from: 'CONFIRMED', to: 'CANCELLED', actorRole: 'ADMIN' });
  });

  it('lets only one of two concurrent moves win', async () => {
    const order = await confirmedOrder();
    const [cancel, start] = await Promise.all([
      changeStatus(cancelMutation, customer, order.id),
      changeStatus(startMutation, supplier, order.id),
    ]);
    const codes = [cancel.errors ? firstCode(cancel) : 'won', start.errors ? firstCode(start) : 'won'].sort();
    expect(codes).toEqual(['CONFLICT', 'won']);
    const { rows } = await ordersDatabase().query('select to_status from order_status_history where order_id = $1 and from_status = $2', [
      order.id,
      'CONFIRMED',
    ]);
    expect(rows).toHaveLength(1);
  });

  it('refuses a reason longer than 500 characters', async () => {
    const order = await placeOrder();
    const result = await changeStatus(cancelMutation, customer, order.id, 'x'.repeat(501));
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(badFields(result)).toEqual(['reason']);
  });

  it('keeps the history immutable in the database itself', async () => {
    const order = await placeOrder();
    await expect(
      ordersDatabase().query('update order_status_history set reason = $1 where order_id = $2', ['rewritten', order.id]),
    ).rejects.toThrow(/append-only/);
    await expect(ordersDatabase().query('delete from order_status_history where order_id = $1', [order.id])).rejects.toThrow(/append-only/);
    await expect(ordersDatabase().query('truncate order_status_history cascade')).rejects.toThrow(/append-only/);
    expect((await readOrder(customer, order.id)).history).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------
// The saga
// ---------------------------------------------------------------------------

describe('the saga', () => {
  it('confirms a card order only when both the stock and the payment are in: stock first', async () => {
    const order = await placeOrder();
    await reserveStock(order);
    const reserved = await orderBecomes(order.id, (row) => row.stock_reserved === true);
    expect(reserved).toMatchObject({ status: 'PENDING_PAYMENT', stockReserved: true, paid: false });

    await capturePayment(order);
    const confirmed = await orderBecomes(order.id, (row) => row.status === 'CONFIRMED');
    expect(confirmed).toMatchObject({ stockReserved: true, paid: true });
    expect(confirmed.history.at(-1)).toMatchObject({ from: 'PENDING_PAYMENT', to: 'CONFIRMED', actorId: null, actorRole: 'SYSTEM' });
  });

  it('confirms a card order only when both the stock and the payment are in: payment first', async () => {
    const order = await placeOrder();
    await capturePayment(order);
    const paid = await orderBecomes(order.id, (row) => row.paid === true);
    expect(paid).toMatchObject({ status: 'PENDING_PAYMENT', stockReserved: false, paid: true });

    await reserveStock(order);
    expect(await orderBecomes(order.id, (row) => row.status === 'CONFIRMED')).toMatchObject({ stockReserved: true, paid: true });
  });

  it('confirms a cash-on-delivery order as soon as its stock is reserved; it has no payment deadline', async () => {
    const order = await placeOrder(customer, [{ product: p45, quantity: 2 }], 'CASH_ON_DELIVERY');
    expect(order.paymentDueAt).toBeNull();
    await reserveStock(order);
    expect(await orderBecomes(order.id, (row) => row.status === 'CONFIRMED')).toMatchObject({ stockReserved: true, paid: false });
    const [confirmed] = await orderEvents.waitFor(
      (event) => event.envelope?.type === 'order.confirmed' && event.envelope.subject === order.id,
    );
    expect(confirmed?.envelope?.data).toMatchObject({
      paymentMethod: 'CASH_ON_DELIVERY',
      cylinderCount: 2,
      deliveryLocation: { latitude: address.latitude, longitude: address.longitude },
    });
  });

  it('cancels the order when products cannot reserve its stock, with products’ reason', async () => {
    const order = await placeOrder();
    const reason = 'Only 0 of Botijão P13 left in stock; the order asked for 1.';
    await publish(ProductEvents.stockReservationFailed, order.id, { orderId: order.id, reason, productId: p13.id });
    const cancelled = await orderBecomes(order.id, (row) => row.status === 'CANCELLED');
    expect(cancelled.cancellationReason).toMatchObject({ reasonCode: 'STOCK_UNAVAILABLE', reason, cancelledBy: null });
    expect(cancelled.history.at(-1)).toMatchObject({
      from: 'PENDING_PAYMENT',
      to: 'CANCELLED',
      actorId: null,
      actorRole: 'SYSTEM',
      reason,
    });
    const [event] = await orderEvents.waitFor(
      (candidate) => candidate.envelope?.type === 'order.cancelled' && candidate.envelope.subject === order.id,
    );
    expect(event?.envelope?.data).toMatchObject({
      reasonCode: 'STOCK_UNAVAILABLE',
      reason,
      cancelledBy: null,
      previousStatus: 'PENDING_PAYMENT',
    });

    // A payment captured meanwhile changes nothing here: payments refunds it on order.cancelled.
    const late = await capturePayment(order);
    await processed('orders.saga', late);
    expect(await readOrder(customer, order.id)).toMatchObject({ status: 'CANCELLED', paid: false });
  });

  it('records a failed payment and keeps the order waiting for another attempt', async () => {
    const order = await placeOrder();
    const failedAt = new Date().toISOString();
    await publish(PaymentEvents.failed, order.id, {
      paymentId: randomUUID(),
      orderId: order.id,
      customerId: customer.id,
      method: 'CARD',
      reasonCode: 'INSUFFICIENT_FUNDS',
      reason: 'The card has insufficient funds.',
      failedAt,
    });
    const failed = await orderBecomes(order.id, (row) => row.last_payment_failure_code !== null);
    expect(failed).toMatchObject({
      status: 'PENDING_PAYMENT',
      lastPaymentFailure: { reasonCode: 'INSUFFICIENT_FUNDS', reason: 'The card has insufficient funds.', failedAt },
    });
    await reserveStock(order);
    await capturePayment(order);
    expect((await orderBecomes(order.id, (row) => row.status === 'CONFIRMED')).paid).toBe(true);
  });

  it('records what payments refunded', async () => {
    const order = await confirmedOrder();
    await changeStatus(cancelMutation, customer, order.id);
    const refund = (refundedTotal: number) =>
      publish(PaymentEvents.refundProcessed, order.id, {
        refundId: randomUUID(),
        paymentId: randomUUID(),
        orderId: order.id,
        customerId: customer.id,
        amount: refundedTotal,
        currency: 'BRL',
        refundedTotal,
        capturedAmount: order.total.amount,
        reason: 'order cancelled',
        initiatedBy: null,
        processedAt: new Date().toISOString(),
      });
    await refund(order.total.amount);
    expect((await orderBecomes(order.id, (row) => row.refunded_amount > 0)).refunded).toEqual(order.total);
    // An older running total arriving late does not lower it.
    await processed('orders.saga', await refund(100));
    expect((await readOrder(customer, order.id)).refunded).toEqual(order.total);
  });

  it('gives a redelivered event no second effect', async () => {
    const order = await placeOrder();
    await capturePayment(order);
    await orderBecomes(order.id, (row) => row.paid === true);
    const saga = consumerOf('orders.saga');
    const duplicatesBefore = saga.stats().duplicates;

    const envelope = createEnvelope({
      type: ProductEvents.stockReserved.type,
      source: 'products',
      subject: order.id,
      schemaVersion: ProductEvents.stockReserved.version,
      correlationId: `test-${randomUUID()}`,
      data: { orderId: order.id, items: lines(order) },
    });
    const message = { topic: ProductEvents.stockReserved.topic, key: order.id, value: JSON.stringify(envelope) };
    await test.platform.eventBus.publish([message]);
    await test.platform.eventBus.publish([message]);
    await eventually(async () => (saga.stats().duplicates > duplicatesBefore ? true : undefined), 15_000, 'the duplicate to be seen');

    const confirmed = await readOrder(customer, order.id);
    expect(confirmed.status).toBe('CONFIRMED');
    expect(confirmed.history.filter((change) => change.to === 'CONFIRMED')).toHaveLength(1);
    const { rows } = await ordersDatabase().query(
      `select count(*)::int as count from outbox_events where key = $1 and envelope->>'type' = 'order.confirmed'`,
      [order.id],
    );
    expect(rows[0].count).toBe(1);
  });
});

// ---------------------------------------------------------------------------
// The payment deadline
// ---------------------------------------------------------------------------

describe('the payment deadline', () => {
  /** Moves an order's placement and deadline into the past, as if it had waited that long. */
  const age = (id: string, minutes: number) =>
    ordersDatabase().query(
      `update orders set created_at = created_at - make_interval(mins => $2), payment_due_at = payment_due_at - make_interval(mins => $2) where id = $1`,
      [id, minutes],
    );

  it('cancels a card order left unpaid past its deadline (PAYMENT_EXPIRED), and spares a paid one', async () => {
    const unpaid = await placeOrder();
    const paidAwaitingStock = await placeOrder();
    await capturePayment(paidAwaitingStock);
    await orderBecomes(paidAwaitingStock.id, (row) => row.paid === true);
    await age(unpaid.id, 31);
    await age(paidAwaitingStock.id, 31);

    const expired = await orderBecomes(unpaid.id, (row) => row.status === 'CANCELLED');
    expect(expired.cancellationReason).toMatchObject({
      reasonCode: 'PAYMENT_EXPIRED',
      reason: 'Not paid within 30 minutes of being placed.',
      cancelledBy: null,
    });
    expect(expired.history.at(-1)).toMatchObject({ from: 'PENDING_PAYMENT', to: 'CANCELLED', actorRole: 'SYSTEM', actorId: null });
    const [event] = await orderEvents.waitFor(
      (candidate) => candidate.envelope?.type === 'order.cancelled' && candidate.envelope.subject === unpaid.id,
    );
    expect(event?.envelope?.data).toMatchObject({ reasonCode: 'PAYMENT_EXPIRED', cancelledBy: null });

    // The sweep runs every second; two more runs leave the paid order alone.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await readOrder(customer, paidAwaitingStock.id)).status).toBe('PENDING_PAYMENT');
  });
});

// ---------------------------------------------------------------------------
// Projections and erasure
// ---------------------------------------------------------------------------

describe('orders’ copy of the catalog', () => {
  it('ignores a product event older than what it holds, and keeps a deleted product deleted', async () => {
    const product = await createProduct(supplier, { name: 'Botijão P5', cylinderType: 'P5', priceAmount: 6_000 });
    const stale = createEnvelope({
      type: ProductEvents.updated.type,
      source: 'products',
      subject: product.id,
      schemaVersion: ProductEvents.updated.version,
      correlationId: `test-${randomUUID()}`,
      time: new Date(Date.now() - 3_600_000),
      data: {
        productId: product.id,
        supplierId: supplier.id,
        name: 'Nome antigo',
        cylinderType: 'P5',
        priceAmount: 1,
        currency: 'BRL',
        stockQuantity: 100,
        lowStockThreshold: null,
        active: true,
        changed: ['name', 'price'],
      },
    });
    await test.platform.eventBus.publish([{ topic: PRODUCT_TOPIC, key: product.id, value: JSON.stringify(stale) }]);
    await processed('orders.catalog', stale);
    expect(await catalogRowMatches(product.id, () => true)).toMatchObject({ name: 'Botijão P5', price_amount: 6_000 });

    const deleted = await test.query('mutation ($id: ID!) { deleteProduct(id: $id) }', {
      token: supplier.accessToken,
      variables: { id: product.id },
    });
    expect(deleted.errors).toBeUndefined();
    await catalogRowMatches(product.id, (row) => row.deleted === true);
    const refused = await place(customer, {
      items: [{ productId: product.id, quantity: 1 }],
      deliveryAddress: address,
      paymentMethod: 'PIX',
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'PRODUCT_UNAVAILABLE', productIds: [product.id] });
  });
});

describe('a deleted customer', () => {
  it('loses the personal parts of their delivery addresses; the orders and their money stay', async () => {
    const leaving = await registerUser(test, 'CUSTOMER', 'Cliente de Saída');
    const order = await placeOrder(leaving);
    const deletion = await publishEvent(test.platform.eventBus, UserEvents.deleted, leaving.id, {
      userId: leaving.id,
      roles: ['CUSTOMER'],
    });
    await processed('orders.user-deletions', deletion);

    const kept = await readOrder(supplier, order.id);
    expect(kept.deliveryAddress).toEqual({
      street: null,
      number: null,
      complement: null,
      district: 'Consolação',
      city: 'São Paulo',
      state: 'SP',
      postalCode: null,
      latitude: -23.56,
      longitude: -46.66,
      notes: null,
    });
    expect(kept.total).toEqual(order.total);
    expect(kept.items).toEqual(order.items);
  });
});
