import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventData } from '#kit';
import { eventually, probeEvents, publishEvent, type EventProbe, type ReceivedEvent } from '../support/event-probe.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import type { SignedInUser } from '../support/users.js';
import { OrderEvents } from '../../subgraphs/orders/src/events/index.js';
import { PRODUCT_TOPIC, ProductEvents } from '../../subgraphs/products/src/events/index.js';
import { supplierWithStore } from '../support/stores.js';

/**
 * Products' part of the order saga, on the real broker: order.created takes
 * stock (all lines or none), order.cancelled gives it back, each once.
 */
let test: TestPlatform;
let events: EventProbe;
let supplier: SignedInUser;

beforeAll(async () => {
  test = await startTestPlatform();
  events = await probeEvents(test.platform.eventBus, [PRODUCT_TOPIC]);
  supplier = await supplierWithStore(test, 'Gás Reservado');
});

afterAll(async () => {
  await events?.stop();
  await test?.stop();
});

async function product(stockQuantity: number, owner = supplier): Promise<string> {
  const created = await test.query<{ createProduct: { id: string } }>(
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
    {
      token: owner.accessToken,
      variables: { input: { name: `Botijão ${randomUUID().slice(0, 8)}`, cylinderType: 'P13', priceAmount: 11_000, stockQuantity } },
    },
  );
  if (!created.data?.createProduct) throw new Error(JSON.stringify(created.errors));
  return created.data.createProduct.id;
}

async function stockOf(productId: string): Promise<number> {
  const result = await test.query<{ product: { stockQuantity: number } }>('query ($id: ID!) { product(id: $id) { stockQuantity } }', {
    token: supplier.accessToken,
    variables: { id: productId },
  });
  return result.data!.product.stockQuantity;
}

function orderCreated(
  lines: Array<{ productId: string; quantity: number }>,
  supplierId = supplier.id,
): EventData<typeof OrderEvents.created> {
  const items = lines.map((line) => ({ ...line, unitPriceAmount: 11_000, lineTotalAmount: 11_000 * line.quantity }));
  const total = items.reduce((sum, item) => sum + item.lineTotalAmount, 0);
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    supplierId,
    items,
    subtotalAmount: total,
    deliveryFeeAmount: 0,
    totalAmount: total,
    currency: 'BRL',
    paymentMethod: 'CARD',
    deliveryLocation: { latitude: -23.55, longitude: -46.63 },
    createdAt: new Date().toISOString(),
  };
}

function orderCancelled(order: EventData<typeof OrderEvents.created>): EventData<typeof OrderEvents.cancelled> {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    supplierId: order.supplierId,
    previousStatus: 'PENDING_PAYMENT',
    reasonCode: 'CUSTOMER_REQUEST',
    reason: 'changed my mind',
    cancelledBy: order.customerId,
    items: order.items.map(({ productId, quantity }) => ({ productId, quantity })),
    cancelledAt: new Date().toISOString(),
  };
}

const outcomeOf = (orderId: string) => (event: ReceivedEvent) =>
  (event.envelope?.type === ProductEvents.stockReserved.type || event.envelope?.type === ProductEvents.stockReservationFailed.type) &&
  event.envelope.data.orderId === orderId;

async function outcome(orderId: string): Promise<ReceivedEvent> {
  const [event] = await events.waitFor(outcomeOf(orderId), 1, 20_000);
  return event!;
}

describe('reserving stock for an order', () => {
  it('takes every line at once and says so, with the stock change announced as usual', async () => {
    const [p13, p45] = [await product(10), await product(3)];
    const order = orderCreated([
      { productId: p13, quantity: 4 },
      { productId: p45, quantity: 3 },
    ]);
    await publishEvent(test.platform.eventBus, OrderEvents.created, order.orderId, order);
    const reserved = await outcome(order.orderId);
    expect(reserved.envelope?.type).toBe('stock.reserved');
    expect(reserved.key).toBe(order.orderId);
    expect(await stockOf(p13)).toBe(6);
    expect(await stockOf(p45)).toBe(0);
    await events.waitFor(
      (event) =>
        event.envelope?.type === 'inventory.updated' && event.envelope.data.productId === p45 && event.envelope.data.stockQuantity === 0,
    );
  });

  it('takes nothing when one line cannot be served, and names that product', async () => {
    const [plenty, scarce] = [await product(10), await product(1)];
    const order = orderCreated([
      { productId: plenty, quantity: 2 },
      { productId: scarce, quantity: 2 },
    ]);
    await publishEvent(test.platform.eventBus, OrderEvents.created, order.orderId, order);
    const failed = await outcome(order.orderId);
    expect(failed.envelope?.type).toBe('stock.reservation_failed');
    expect(failed.envelope?.data).toMatchObject({ productId: scarce, reason: expect.stringContaining('Only 1') });
    expect(await stockOf(plenty)).toBe(10);
    expect(await stockOf(scarce)).toBe(1);
  });

  it('refuses a product of another supplier, or one no longer offered', async () => {
    const other = await supplierWithStore(test, 'Outra Revenda');
    const foreign = await product(5, other);
    const wrongSupplier = orderCreated([{ productId: foreign, quantity: 1 }]);
    await publishEvent(test.platform.eventBus, OrderEvents.created, wrongSupplier.orderId, wrongSupplier);
    expect((await outcome(wrongSupplier.orderId)).envelope?.type).toBe('stock.reservation_failed');

    const retired = await product(5);
    await test.query('mutation ($id: ID!) { updateProduct(id: $id, input: { active: false }) { id } }', {
      token: supplier.accessToken,
      variables: { id: retired },
    });
    const inactive = orderCreated([{ productId: retired, quantity: 1 }]);
    await publishEvent(test.platform.eventBus, OrderEvents.created, inactive.orderId, inactive);
    expect((await outcome(inactive.orderId)).envelope?.data.reason).toMatch(/no longer offered/);
    expect(await stockOf(foreign)).toBe(5);
  });

  it('gives the last cylinder to exactly one of two racing orders', async () => {
    const last = await product(1);
    const first = orderCreated([{ productId: last, quantity: 1 }]);
    const second = orderCreated([{ productId: last, quantity: 1 }]);
    await Promise.all([
      publishEvent(test.platform.eventBus, OrderEvents.created, first.orderId, first),
      publishEvent(test.platform.eventBus, OrderEvents.created, second.orderId, second),
    ]);
    const outcomes = [await outcome(first.orderId), await outcome(second.orderId)].map((event) => event.envelope?.type).sort();
    expect(outcomes).toEqual(['stock.reservation_failed', 'stock.reserved']);
    expect(await stockOf(last)).toBe(0);
  });
});

describe('releasing stock', () => {
  it('gives back what a cancelled order held, once, even when the cancellation is delivered twice', async () => {
    const p13 = await product(5);
    const order = orderCreated([{ productId: p13, quantity: 2 }]);
    await publishEvent(test.platform.eventBus, OrderEvents.created, order.orderId, order);
    await outcome(order.orderId);
    expect(await stockOf(p13)).toBe(3);

    const cancelled = await publishEvent(test.platform.eventBus, OrderEvents.cancelled, order.orderId, orderCancelled(order));
    // Kafka may deliver the same event again: same envelope, same id.
    await test.platform.eventBus.publish([{ topic: OrderEvents.cancelled.topic, key: order.orderId, value: JSON.stringify(cancelled) }]);
    // A second, distinct cancellation event for the same order changes nothing either.
    await publishEvent(test.platform.eventBus, OrderEvents.cancelled, order.orderId, orderCancelled(order));
    await events.waitFor((event) => event.envelope?.type === 'stock.released' && event.envelope.data.orderId === order.orderId);
    await eventually(async () => ((await stockOf(p13)) === 5 ? true : undefined), 10_000, 'stock back');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await stockOf(p13)).toBe(5);
    expect(events.ofType('stock.released').filter((event) => event.envelope?.data.orderId === order.orderId)).toHaveLength(1);
  });

  it('releases nothing for an order whose reservation had failed', async () => {
    const scarce = await product(1);
    const order = orderCreated([{ productId: scarce, quantity: 3 }]);
    await publishEvent(test.platform.eventBus, OrderEvents.created, order.orderId, order);
    expect((await outcome(order.orderId)).envelope?.type).toBe('stock.reservation_failed');
    await publishEvent(test.platform.eventBus, OrderEvents.cancelled, order.orderId, orderCancelled(order));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await stockOf(scarce)).toBe(1);
    expect(events.ofType('stock.released').filter((event) => event.envelope?.data.orderId === order.orderId)).toHaveLength(0);
  });

  it('takes the products a store named out of stock off sale when it rejects the order, and gives the rest back', async () => {
    const [gone, plenty, foreign] = [await product(4), await product(6), await product(5, await supplierWithStore(test, 'Vizinha'))];
    const order = orderCreated([
      { productId: gone, quantity: 1 },
      { productId: plenty, quantity: 2 },
    ]);
    await publishEvent(test.platform.eventBus, OrderEvents.created, order.orderId, order);
    expect((await outcome(order.orderId)).envelope?.type).toBe('stock.reserved');
    await publishEvent(test.platform.eventBus, OrderEvents.rejected, order.orderId, {
      orderId: order.orderId,
      customerId: order.customerId,
      supplierId: order.supplierId,
      storeId: randomUUID(),
      rejectedBy: order.supplierId,
      reason: 'Acabou o P13',
      outOfStockProductIds: [gone, foreign],
      at: new Date().toISOString(),
    });
    // Orders publishes order.cancelled right after order.rejected: nothing is left to release then.
    await publishEvent(test.platform.eventBus, OrderEvents.cancelled, order.orderId, orderCancelled(order));
    const [released] = await events.waitFor(
      (event) => event.envelope?.type === 'stock.released' && event.envelope.data.orderId === order.orderId,
    );
    expect(released!.envelope?.data.items).toEqual([{ productId: plenty, quantity: 2 }]);
    await eventually(async () => ((await stockOf(plenty)) === 6 ? true : undefined), 10_000, 'the other line back in stock');
    expect(await stockOf(gone)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await stockOf(gone)).toBe(0);
    expect(await stockOf(plenty)).toBe(6);
    // Another supplier's product named by mistake keeps its stock.
    const other = await test.query<{ product: { stockQuantity: number } }>('query ($id: ID!) { product(id: $id) { stockQuantity } }', {
      variables: { id: foreign },
    });
    expect(other.data?.product.stockQuantity).toBe(5);
  });
});
