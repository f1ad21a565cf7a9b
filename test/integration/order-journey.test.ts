import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/event-probe.js';
import { connectAs, liveFeed } from '../support/live-updates.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { registerUser, type SignedInUser } from '../support/users.js';
import { ruaAugusta } from '../support/delivery-address.js';
import { verifiedUser } from '../support/onboarding.js';
import { openStore } from '../support/stores.js';

/**
 * Issue 6's journey, through the gateway on the real PostgreSQL and Kafka: a
 * customer orders gas, pays, the order is confirmed, then cancelled and the
 * payment refunded — and every step reaches the customer's phone as a
 * graphql-ws message whose payload resolves across subgraphs.
 */
let test: TestPlatform;
let supplier: SignedInUser;
let customer: SignedInUser;
let storeId: string;
const clients: Client[] = [];

beforeAll(async () => {
  // The automatic refund of a cancelled paid order is sent by payments' recovery job.
  test = await startTestPlatform({ PAYMENTS_RECOVERY_SECONDS: '1' });
  [supplier, customer] = await Promise.all([verifiedUser(test, 'SUPPLIER', 'Gás da Vila'), registerUser(test, 'CUSTOMER', 'Ana Cliente')]);
  // A store accepting orders automatically: this journey is the saga's, acceptance has its own tests.
  // No delivery fee, so the journey's amounts are the goods' (the fee has its own tests).
  storeId = await openStore(test, supplier, { deliveryFee: { baseAmount: 0, perKmAmount: 0, freeAboveAmount: null } });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await test?.stop();
});

interface OrderMessage {
  orderStatusChanged: {
    id: string;
    status: string;
    total: { amount: number };
    items: Array<{ quantity: number; product: { name: string; supplier: { name: string } } }>;
  };
}
interface PaymentMessage {
  paymentUpdated: { id: string; status: string; captured: { amount: number }; refunded: { amount: number }; order: { id: string } };
}

const orderSelection = 'id status total { amount } items { quantity product { name supplier { name } } }';
const paymentSelection = 'id status captured { amount } refunded { amount } order { id }';

async function createProduct(stockQuantity: number): Promise<string> {
  const result = await test.query<{ createProduct: { id: string } }>(
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
    { token: supplier.accessToken, variables: { input: { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_500, stockQuantity } } },
  );
  if (!result.data?.createProduct) throw new Error(JSON.stringify(result.errors));
  const productId = result.data.createProduct.id;
  await ordersKnow(productId);
  return productId;
}

/** Waits until orders' copies (by event) hold the store and the product, so an order can be placed. */
async function ordersKnow(productId: string): Promise<void> {
  const orders = test.platform.subgraphs.get('orders')!.database.pool;
  await eventually(
    async () => {
      const { rows } = await orders.query(
        'select 1 from catalog_products c join store_views s on s.store_id = c.store_id where c.product_id = $1 and s.store_id = $2',
        [productId, storeId],
      );
      return rows.length > 0 ? true : undefined;
    },
    20_000,
    'the store and the product to reach orders',
  );
}

async function stockOf(productId: string): Promise<number> {
  const result = await test.query<{ product: { stockQuantity: number } }>('query ($id: ID!) { product(id: $id) { stockQuantity } }', {
    token: supplier.accessToken,
    variables: { id: productId },
  });
  return result.data!.product.stockQuantity;
}

async function placeOrder(productId: string, quantity: number): Promise<string> {
  const result = await test.query<{ placeOrder: { id: string } }>(
    'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
    {
      token: customer.accessToken,
      variables: { input: { storeId, items: [{ productId, quantity }], deliveryAddress: ruaAugusta, paymentMethod: 'CARD' } },
    },
  );
  if (!result.data?.placeOrder) throw new Error(JSON.stringify(result.errors));
  return result.data.placeOrder.id;
}

/** Pays once payments has opened the order's payment (it hears of the order by event). */
async function pay(orderId: string, idempotencyKey: string): Promise<{ status: string }> {
  return eventually(
    async () => {
      const result = await test.query<{ payOrder: { status: string } }>(
        'mutation ($input: PayOrderInput!) { payOrder(input: $input) { status } }',
        { token: customer.accessToken, variables: { input: { orderId, idempotencyKey, card: { token: 'tok_success' } } } },
      );
      if (result.data?.payOrder) return result.data.payOrder;
      if (result.errors?.[0]?.extensions?.['code'] !== 'NOT_FOUND') throw new Error(JSON.stringify(result.errors));
      return undefined;
    },
    20_000,
    'the payment to be opened',
  );
}

describe('ordering gas', () => {
  it('goes from order to payment, confirmation, cancellation and refund, each step pushed live to the customer', async () => {
    const productId = await createProduct(5);
    const phone = connectAs(test, customer.accessToken);
    const supplierPhone = connectAs(test, supplier.accessToken);
    clients.push(phone, supplierPhone);
    const orderUpdates = liveFeed<OrderMessage>(phone, `subscription { orderStatusChanged { ${orderSelection} } }`);
    const paymentUpdates = liveFeed<PaymentMessage>(phone, `subscription { paymentUpdated { ${paymentSelection} } }`);
    const supplierUpdates = liveFeed<OrderMessage>(supplierPhone, `subscription { orderStatusChanged { id status } }`);
    // Subscriptions are registered once the socket has acknowledged them; give the handshake a moment.
    await new Promise((resolve) => setTimeout(resolve, 500));

    // The order: priced from the catalog, stock reserved by products.
    const orderId = await placeOrder(productId, 2);
    const placed = await orderUpdates.waitFor(
      (data) => data.orderStatusChanged.id === orderId && data.orderStatusChanged.status === 'PENDING_PAYMENT',
    );
    expect(placed.orderStatusChanged).toMatchObject({
      total: { amount: 23_000 },
      items: [{ quantity: 2, product: { name: 'Botijão P13', supplier: { name: 'Gás da Vila' } } }],
    });
    await eventually(async () => ((await stockOf(productId)) === 3 ? true : undefined), 20_000, 'the stock reservation');

    // Payment, with an idempotency key: a retry returns the first answer.
    const key = randomUUID();
    await pay(orderId, key);
    const paid = await paymentUpdates.waitFor((data) => data.paymentUpdated.order.id === orderId && data.paymentUpdated.status === 'PAID');
    expect(paid.paymentUpdated.captured.amount).toBe(23_000);
    const retried = await pay(orderId, key);
    expect(retried.status).toBe('PAID');

    // Confirmation once both the stock and the money are in; the supplier hears of it too.
    await orderUpdates.waitFor((data) => data.orderStatusChanged.id === orderId && data.orderStatusChanged.status === 'CONFIRMED');
    await supplierUpdates.waitFor((data) => data.orderStatusChanged.id === orderId && data.orderStatusChanged.status === 'CONFIRMED');

    // The customer cancels: stock goes back and the payment is refunded in full, automatically.
    const cancelled = await test.query<{ cancelOrder: { status: string } }>(
      'mutation ($id: ID!) { cancelOrder(id: $id, reason: "Comprei em outro lugar") { status } }',
      { token: customer.accessToken, variables: { id: orderId } },
    );
    expect(cancelled.data?.cancelOrder.status).toBe('CANCELLED');
    await orderUpdates.waitFor((data) => data.orderStatusChanged.id === orderId && data.orderStatusChanged.status === 'CANCELLED');
    const refunded = await paymentUpdates.waitFor(
      (data) => data.paymentUpdated.order.id === orderId && data.paymentUpdated.status === 'REFUNDED',
    );
    expect(refunded.paymentUpdated.refunded.amount).toBe(23_000);
    await eventually(async () => ((await stockOf(productId)) === 5 ? true : undefined), 20_000, 'the stock release');

    // The audit trail holds every step, in order.
    const history = await test.query<{ order: { status: string; history: Array<{ to: string }>; payment: { status: string } } }>(
      'query ($id: ID!) { order(id: $id) { status history { to } payment { status } } }',
      { token: customer.accessToken, variables: { id: orderId } },
    );
    expect(history.data?.order.history.map((change) => change.to)).toEqual(['PENDING_PAYMENT', 'CONFIRMED', 'CANCELLED']);
    expect(history.data?.order.payment.status).toBe('REFUNDED');

    // Nobody else heard of this customer's payment.
    expect(paymentUpdates.messages.every((message) => message.errors === undefined)).toBe(true);
  });

  it('gives the last cylinder to one of two customers ordering at once; the other order is cancelled with the reason', async () => {
    const productId = await createProduct(1);
    const rival = await registerUser(test, 'CUSTOMER', 'Bruno Rival');
    // Orders' copy says one is in stock, so both orders are taken; products' reservation decides.
    const place = async (buyer: SignedInUser) => {
      const result = await test.query<{ placeOrder: { id: string } }>(
        'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
        {
          token: buyer.accessToken,
          variables: {
            input: { storeId, items: [{ productId, quantity: 1 }], deliveryAddress: ruaAugusta, paymentMethod: 'CASH_ON_DELIVERY' },
          },
        },
      );
      if (!result.data?.placeOrder) throw new Error(JSON.stringify(result.errors));
      return result.data.placeOrder.id;
    };
    const [first, second] = await Promise.all([place(customer), place(rival)]);
    const settled = async (orderId: string, buyer: SignedInUser) =>
      eventually(
        async () => {
          const result = await test.query<{ order: { status: string; cancellationReason: { reasonCode: string; reason: string } | null } }>(
            'query ($id: ID!) { order(id: $id) { status cancellationReason { reasonCode reason } } }',
            { token: buyer.accessToken, variables: { id: orderId } },
          );
          const order = result.data?.order;
          return order && order.status !== 'PENDING_PAYMENT' ? order : undefined;
        },
        30_000,
        'the order settled by the saga',
      );
    const outcomes = await Promise.all([settled(first, customer), settled(second, rival)]);
    // Cash on delivery is confirmed on the stock alone (the store accepts automatically).
    expect(outcomes.map((order) => order.status).sort()).toEqual(['CANCELLED', 'CONFIRMED']);
    const lost = outcomes.find((order) => order.status === 'CANCELLED')!;
    expect(lost.cancellationReason).toMatchObject({ reasonCode: 'STOCK_UNAVAILABLE', reason: expect.stringContaining('left in stock') });
    expect(await stockOf(productId)).toBe(0);
  });
});
