import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, probeEvents, type EventProbe } from '../support/event-probe.js';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { registerUser } from '../support/users.js';
import { verifiedUser } from '../support/onboarding.js';
import { USER_TOPIC } from '../../subgraphs/accounts/src/events/index.js';
import { ORDER_TOPIC } from '../../subgraphs/orders/src/events/index.js';
import { PRODUCT_TOPIC } from '../../subgraphs/products/src/events/index.js';
import { openStore, supplierWithStore } from '../support/stores.js';

// This file stops and restarts a broker, so it runs one of its own rather than the suite's.
let broker: KafkaBroker;
let test: TestPlatform;
let probe: EventProbe;

beforeAll(async () => {
  broker = await startKafkaBroker();
  test = await startTestPlatform({ KAFKA_BROKERS: broker.bootstrap });
  probe = await probeEvents(test.platform.eventBus, [PRODUCT_TOPIC, USER_TOPIC, ORDER_TOPIC]);
}, 120_000);
afterAll(async () => {
  await probe?.stop();
  await test?.stop();
  await broker?.dispose();
}, 60_000);

describe('the outbox during a broker outage', () => {
  it('keeps events while Kafka is down and delivers each exactly once, in order, when it returns', async () => {
    const supplier = await supplierWithStore(test);
    const created = await test.query(
      `mutation { createProduct(input: { name: "Botijão P13 apagão", cylinderType: P13, priceAmount: 11000, stockQuantity: 0 }) { id } }`,
      { token: supplier.accessToken },
    );
    const productId = created.data!['createProduct'].id as string;
    await probe.waitFor((event) => event.envelope?.type === 'product.created' && event.envelope.subject === productId, 1, 30_000);

    await broker.stop();
    // Writes still succeed: their events wait in the outbox, committed with them.
    for (let quantity = 1; quantity <= 10; quantity += 1) {
      const updated = await test.query(
        `mutation ($id: ID!, $q: Int!) { updateProduct(id: $id, input: { stockQuantity: $q }) { stockQuantity } }`,
        {
          token: supplier.accessToken,
          variables: { id: productId, q: quantity },
        },
      );
      expect(updated.data).toEqual({ updateProduct: { stockQuantity: quantity } });
    }
    const relay = test.platform.subgraphs.get('products')!.relay!;
    expect(await relay.pending()).toBeGreaterThanOrEqual(20);
    expect(probe.ofType('inventory.updated').filter((event) => event.envelope!.subject === productId)).toHaveLength(0);

    await broker.start();
    await relay.drained(60_000);
    await probe.waitFor((event) => event.envelope?.type === 'inventory.updated' && event.envelope.subject === productId, 10, 60_000);
    // Exactly once in effect: a retried publish may repeat a message, never with a new id, so
    // consumers (which deduplicate by id) see each change once, in the order it was written.
    const firstSeen = new Map<string, number>();
    for (const event of probe.ofType('inventory.updated')) {
      if (event.envelope!.subject === productId && !firstSeen.has(event.envelope!.id))
        firstSeen.set(event.envelope!.id, event.envelope!.data.stockQuantity);
    }
    expect([...firstSeen.values()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 120_000);
});

describe('the order saga during a broker outage', () => {
  const deliveryAddress = {
    street: 'Rua da Consolação',
    number: '100',
    district: 'Centro',
    city: 'São Paulo',
    state: 'SP',
    postalCode: '01302000',
    latitude: -23.55,
    longitude: -46.64,
  };

  const orderState = async (orderId: string, token: string) => {
    const result = await test.query<{ order: { status: string; payment: { status: string } | null } }>(
      'query ($id: ID!) { order(id: $id) { status payment { status } } }',
      { token, variables: { id: orderId } },
    );
    return result.data!.order;
  };

  it('captures a payment while Kafka is down and confirms the order once it returns, nothing lost or doubled', async () => {
    const [supplier, customer] = [await verifiedUser(test, 'SUPPLIER', 'Gás no Escuro'), await registerUser(test)];
    const storeId = await openStore(test, supplier);
    const created = await test.query<{ createProduct: { id: string } }>(
      'mutation { createProduct(input: { name: "Botijão P13", cylinderType: P13, priceAmount: 12000, stockQuantity: 3 }) { id } }',
      { token: supplier.accessToken },
    );
    const productId = created.data!.createProduct.id;
    const orderId = await eventually(
      async () => {
        const placed = await test.query<{ placeOrder: { id: string } }>(
          'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
          {
            token: customer.accessToken,
            variables: { input: { storeId, items: [{ productId, quantity: 1 }], deliveryAddress, paymentMethod: 'CARD' } },
          },
        );
        return placed.data?.placeOrder.id;
      },
      30_000,
      'the product in the orders catalog',
    );
    // The payment is open and the stock reserved before the outage.
    await eventually(
      async () => ((await orderState(orderId, customer.accessToken)).payment?.status === 'AWAITING_PAYMENT' ? true : undefined),
      30_000,
      'payment opened',
    );
    await probe.waitFor((event) => event.envelope?.type === 'stock.reserved' && event.envelope.data.orderId === orderId, 1, 30_000);

    await broker.stop();
    const paid = await test.query<{ payOrder: { status: string } }>(
      'mutation ($input: PayOrderInput!) { payOrder(input: $input) { status } }',
      {
        token: customer.accessToken,
        variables: { input: { orderId, idempotencyKey: `outage-${orderId}`, card: { token: 'tok_success' } } },
      },
    );
    expect(paid.data?.payOrder.status).toBe('PAID');
    // The capture and its event are committed together; the event waits in the outbox.
    const paymentsRelay = test.platform.subgraphs.get('payments')!.relay!;
    expect(await paymentsRelay.pending()).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await orderState(orderId, customer.accessToken)).status).toBe('PENDING_PAYMENT');

    await broker.start();
    await paymentsRelay.drained(60_000);
    await eventually(
      async () => ((await orderState(orderId, customer.accessToken)).status === 'CONFIRMED' ? true : undefined),
      60_000,
      'the order confirmed',
    );

    // Exactly one charge at the provider, one capture in the ledger, and the books balance.
    const payments = test.platform.subgraphs.get('payments')!.database.pool;
    const charges = await payments.query(
      `select count(*)::int as n from sandbox_provider_transactions t join payments p on p.id = t.payment_id where p.order_id = $1 and t.kind = 'CHARGE' and t.status = 'CAPTURED'`,
      [orderId],
    );
    expect(charges.rows[0].n).toBe(1);
    const books = await payments.query(
      `select coalesce(sum(case when direction = 'DEBIT' then amount else -amount end), 0)::int as imbalance from ledger_entries`,
    );
    expect(books.rows[0].imbalance).toBe(0);
    await probe.waitFor((event) => event.envelope?.type === 'order.confirmed' && event.envelope.data.orderId === orderId, 1, 30_000);
    const confirmations = new Set(
      probe
        .ofType('order.confirmed')
        .filter((event) => event.envelope!.data.orderId === orderId)
        .map((event) => event.envelope!.id),
    );
    expect(confirmations.size).toBe(1);
  }, 180_000);
});
