import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventRegistry, type EventEnvelope, type PrismaLike, type StartedSubgraph } from '#kit';
import { subgraphModules } from '../../platform/src/subgraph-modules.js';
import { eventually, probeEvents, publishEvent, type EventProbe } from '../support/event-probe.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { MetricsStore } from '../../subgraphs/analytics/src/metrics/metrics-store.js';
import { createAdmin, registerUser, type SignedInUser } from '../support/users.js';
import { ANALYTICS_TOPIC } from '../../subgraphs/analytics/src/events/index.js';
import { CourierEvents } from '../../subgraphs/couriers/src/events/index.js';
import { OrderEvents } from '../../subgraphs/orders/src/events/index.js';
import { PaymentEvents } from '../../subgraphs/payments/src/events/index.js';
import { ProductEvents, StoreEvents, type StoreSnapshot } from '../../subgraphs/products/src/events/index.js';

/**
 * A scripted day of marketplace events on the real broker, fed to analytics, and its metrics
 * compared with totals this test computes itself from the same script.
 */

const DAY_START = Date.parse('2026-03-10T00:00:00.000Z');
const HOUR = 3_600_000;
const MINUTE = 60_000;
const COMMISSION_BASIS_POINTS = 1_000;

interface ScriptedOrder {
  orderId: string;
  customerId: string;
  supplierId: string;
  courierId: string;
  productId: string;
  quantity: number;
  unitPrice: number;
  placedAt: number;
  confirmedAt: number | null;
  assignedAt: number | null;
  deliveredAt: number | null;
  cancelledAt: number | null;
  paymentFailures: number;
  paid: boolean;
}

let test: TestPlatform;
let admin: SignedInUser;
let supplierA: SignedInUser;
let supplierB: SignedInUser;
let probe: EventProbe;
const published: EventEnvelope[] = [];
const orders: ScriptedOrder[] = [];
const products: Array<{ productId: string; supplierId: string; name: string; price: number }> = [];
const couriers = [randomUUID(), randomUUID(), randomUUID()];

const analytics = () => test.platform.subgraphs.get('analytics') as StartedSubgraph<PrismaLike>;
const sql = (text: string, values: unknown[] = []) => analytics().database.pool.query(text, values);
const iso = (ms: number) => new Date(ms).toISOString();
/** JSON reviver: numbers to 9 significant digits (an average added up in another order may differ in the last bits). */
const roundNumbers = (_key: string, value: unknown) => (typeof value === 'number' ? Number(value.toPrecision(9)) : value);

/** A deterministic day: 48 orders over 24 hours, some cancelled, some with failed payment attempts first. */
function scriptDay(): void {
  const suppliers = [supplierA.id, supplierB.id];
  suppliers.forEach((supplierId, index) => {
    products.push({ productId: randomUUID(), supplierId, name: `Botijão P13 ${index}`, price: 11_000 + index * 500 });
    products.push({ productId: randomUUID(), supplierId, name: `Botijão P45 ${index}`, price: 42_000 + index * 1_000 });
  });
  for (let index = 0; index < 48; index += 1) {
    const product = products[index % products.length]!;
    const placedAt = DAY_START + index * 30 * MINUTE + (index % 7) * 1_000;
    const cancelled = index % 6 === 5;
    const confirmedAt = cancelled && index % 12 === 5 ? null : placedAt + (2 + (index % 4)) * MINUTE;
    const deliveryMinutes = 20 + ((index * 7) % 45);
    const delivered = !cancelled && index < 46;
    orders.push({
      orderId: randomUUID(),
      customerId: randomUUID(),
      supplierId: product.supplierId,
      courierId: couriers[index % couriers.length]!,
      productId: product.productId,
      quantity: 1 + (index % 3),
      unitPrice: product.price,
      placedAt,
      confirmedAt,
      assignedAt: delivered && confirmedAt !== null ? confirmedAt + 3 * MINUTE : null,
      deliveredAt: delivered && confirmedAt !== null ? confirmedAt + deliveryMinutes * MINUTE : null,
      cancelledAt: cancelled ? placedAt + 40 * MINUTE : null,
      paymentFailures: index % 5 === 0 ? 2 : index % 8 === 0 ? 1 : 0,
      paid: confirmedAt !== null,
    });
  }
}

async function publishDay(): Promise<void> {
  const bus = test.platform.eventBus;
  const publish = async (...args: Parameters<typeof publishEvent>) => void published.push(await publishEvent(...args));
  for (const product of products) {
    await publish(
      bus,
      ProductEvents.created,
      product.productId,
      {
        productId: product.productId,
        supplierId: product.supplierId,
        name: product.name,
        cylinderType: 'P13',
        priceAmount: product.price,
        currency: 'BRL',
        stockQuantity: 100,
        lowStockThreshold: null,
        active: true,
      },
      'products',
    );
  }
  for (const order of orders) {
    const parties = { orderId: order.orderId, customerId: order.customerId, supplierId: order.supplierId };
    const total = order.quantity * order.unitPrice;
    await publish(
      bus,
      OrderEvents.created,
      order.orderId,
      {
        ...parties,
        items: [{ productId: order.productId, quantity: order.quantity, unitPriceAmount: order.unitPrice, lineTotalAmount: total }],
        subtotalAmount: total,
        deliveryFeeAmount: 0,
        totalAmount: total,
        currency: 'BRL',
        paymentMethod: 'CARD',
        deliveryLocation: { latitude: -23.55, longitude: -46.63 },
        createdAt: iso(order.placedAt),
      },
      'orders',
    );
    const paymentId = randomUUID();
    for (let attempt = 0; attempt < order.paymentFailures; attempt += 1) {
      await publish(
        bus,
        PaymentEvents.failed,
        order.orderId,
        {
          paymentId,
          orderId: order.orderId,
          customerId: order.customerId,
          method: 'CARD',
          reasonCode: 'DECLINED',
          reason: 'declined',
          failedAt: iso(order.placedAt + (attempt + 1) * 10_000),
        },
        'payments',
      );
    }
    if (order.paid) {
      await publish(
        bus,
        PaymentEvents.processed,
        order.orderId,
        {
          paymentId,
          ...parties,
          amount: total,
          currency: 'BRL',
          method: 'CARD',
          providerReference: 'sandbox',
          capturedAt: iso(order.placedAt + MINUTE),
        },
        'payments',
      );
    }
    if (order.confirmedAt !== null) {
      await publish(
        bus,
        OrderEvents.confirmed,
        order.orderId,
        {
          ...parties,
          totalAmount: total,
          currency: 'BRL',
          paymentMethod: 'CARD',
          cylinderCount: order.quantity,
          deliveryLocation: { latitude: -23.55, longitude: -46.63 },
          confirmedAt: iso(order.confirmedAt),
        },
        'orders',
      );
    }
    if (order.assignedAt !== null) {
      await publish(
        bus,
        CourierEvents.assigned,
        order.orderId,
        { ...parties, courierId: order.courierId, offerId: randomUUID(), assignedAt: iso(order.assignedAt) },
        'couriers',
      );
    }
    if (order.deliveredAt !== null) {
      await publish(
        bus,
        OrderEvents.inTransit,
        order.orderId,
        { ...parties, courierId: order.courierId, at: iso(order.assignedAt! + MINUTE) },
        'orders',
      );
      await publish(
        bus,
        OrderEvents.delivered,
        order.orderId,
        {
          ...parties,
          courierId: order.courierId,
          paymentMethod: 'CARD',
          totalAmount: total,
          currency: 'BRL',
          deliveredAt: iso(order.deliveredAt),
        },
        'orders',
      );
    }
    if (order.cancelledAt !== null) {
      await publish(
        bus,
        OrderEvents.cancelled,
        order.orderId,
        {
          ...parties,
          previousStatus: order.confirmedAt === null ? 'PENDING_PAYMENT' : 'CONFIRMED',
          reasonCode: 'CUSTOMER_REQUEST',
          reason: 'changed my mind',
          cancelledBy: order.customerId,
          items: [{ productId: order.productId, quantity: order.quantity }],
          cancelledAt: iso(order.cancelledAt),
        },
        'orders',
      );
    }
  }
}

/** Every scripted event is in analytics' tables. */
async function ingested(count = published.length): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await sql('select count(*)::int as n from analytics_events where id = any($1::uuid[])', [
        published.map((event) => event.id),
      ]);
      return rows[0].n >= count ? true : undefined;
    },
    60_000,
    'the scripted day ingested',
  );
}

/** PostgreSQL's percentile_cont: linear interpolation between the closest ranks. */
function percentile(values: number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * fraction;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/** The expected figures for orders in [from, to), optionally of one supplier, computed from the script alone. */
function expectedFigures(from: number, to: number, supplierId: string | null) {
  const mine = orders.filter((order) => supplierId === null || order.supplierId === supplierId);
  const inRange = (at: number | null) => at !== null && at >= from && at < to;
  const delivered = mine.filter((order) => inRange(order.deliveredAt));
  const gmv = delivered.reduce((sum, order) => sum + order.quantity * order.unitPrice, 0);
  const seconds = delivered.map((order) => (order.deliveredAt! - order.confirmedAt!) / 1000);
  const failures = mine
    .flatMap((order) => Array.from({ length: order.paymentFailures }, (_, attempt) => order.placedAt + (attempt + 1) * 10_000))
    .filter(inRange).length;
  const successes = mine.filter((order) => order.paid && inRange(order.placedAt + MINUTE)).length;
  return {
    ordersPlaced: mine.filter((order) => inRange(order.placedAt)).length,
    ordersDelivered: delivered.length,
    grossMerchandiseValue: gmv,
    platformRevenue: Math.floor((gmv * COMMISSION_BASIS_POINTS) / 10_000),
    averageDeliverySeconds: seconds.length === 0 ? null : seconds.reduce((a, b) => a + b, 0) / seconds.length,
    p90DeliverySeconds: percentile(seconds, 0.9),
    paymentsSucceeded: successes,
    paymentsFailed: failures,
    paymentSuccessRate: successes + failures === 0 ? null : successes / (successes + failures),
  };
}

const figures =
  'ordersPlaced ordersDelivered grossMerchandiseValue platformRevenue averageDeliverySeconds p90DeliverySeconds paymentsSucceeded paymentsFailed paymentSuccessRate';
const metricsQuery = `query ($input: MetricsInput!) {
  businessMetrics(input: $input) {
    from to granularity supplierId
    totals { ${figures} }
    series { start figures { ${figures} } }
    topProducts { product { id } name quantity revenue }
    courierUtilisation { activeCouriers busySeconds utilisation }
  }
}`;

const dayInput = (extra: Record<string, unknown> = {}) => ({
  from: iso(DAY_START),
  to: iso(DAY_START + 24 * HOUR),
  granularity: 'HOUR',
  ...extra,
});

async function metricsAs(user: SignedInUser, input: Record<string, unknown>) {
  return test.query<{ businessMetrics: any }>(metricsQuery, { token: user.accessToken, variables: { input } });
}

beforeAll(async () => {
  test = await startTestPlatform({ ANALYTICS_COMMISSION_BASIS_POINTS: String(COMMISSION_BASIS_POINTS), ANALYTICS_REPORT_SWEEP_MS: '100' });
  probe = await probeEvents(test.platform.eventBus, [ANALYTICS_TOPIC]);
  admin = await createAdmin(test);
  supplierA = await registerUser(test, 'SUPPLIER', 'Gás Azul');
  supplierB = await registerUser(test, 'SUPPLIER', 'Gás Verde');
  scriptDay();
  await publishDay();
  await ingested();
}, 180_000);

afterAll(async () => {
  await probe?.stop();
  await test?.stop();
});

describe('analytics over a scripted day on the real broker', () => {
  it('answers the day’s totals an admin asks for with the totals computed from the script', async () => {
    const result = await metricsAs(admin, dayInput());
    expect(result.errors).toBeUndefined();
    const metrics = result.data!.businessMetrics;
    const expected = expectedFigures(DAY_START, DAY_START + 24 * HOUR, null);
    expect(expected.ordersDelivered).toBeGreaterThan(20);
    expect(expected.paymentsFailed).toBeGreaterThan(5);
    const { averageDeliverySeconds, p90DeliverySeconds, paymentSuccessRate, ...exact } = metrics.totals;
    const { averageDeliverySeconds: average, p90DeliverySeconds: p90, paymentSuccessRate: rate, ...expectedExact } = expected;
    expect(exact).toEqual(expectedExact);
    expect(averageDeliverySeconds).toBeCloseTo(average!, 6);
    expect(p90DeliverySeconds).toBeCloseTo(p90!, 6);
    expect(paymentSuccessRate).toBeCloseTo(rate!, 9);
    expect(metrics.supplierId).toBeNull();
  });

  it('splits the day into hourly buckets whose figures match the script hour by hour', async () => {
    const metrics = (await metricsAs(admin, dayInput())).data!.businessMetrics;
    expect(metrics.series.length).toBe(24);
    for (const bucket of metrics.series) {
      const start = Date.parse(bucket.start);
      const expected = expectedFigures(start, start + HOUR, null);
      expect(bucket.figures.ordersPlaced, bucket.start).toBe(expected.ordersPlaced);
      expect(bucket.figures.ordersDelivered, bucket.start).toBe(expected.ordersDelivered);
      expect(bucket.figures.grossMerchandiseValue, bucket.start).toBe(expected.grossMerchandiseValue);
      expect(bucket.figures.paymentsFailed, bucket.start).toBe(expected.paymentsFailed);
    }
    const minutes = (await metricsAs(admin, dayInput({ granularity: 'MINUTE' }))).data!.businessMetrics;
    expect(minutes.series.reduce((sum: number, bucket: any) => sum + bucket.figures.ordersPlaced, 0)).toBe(metrics.totals.ordersPlaced);
    expect(minutes.series.every((bucket: any) => Date.parse(bucket.start) % MINUTE === 0)).toBe(true);
  });

  it('ranks the products by cylinders delivered and measures courier utilisation from the deliveries', async () => {
    const metrics = (await metricsAs(admin, dayInput({ topProducts: 2 }))).data!.businessMetrics;
    const delivered = orders.filter((order) => order.deliveredAt !== null);
    const quantities = new Map<string, number>();
    for (const order of delivered) quantities.set(order.productId, (quantities.get(order.productId) ?? 0) + order.quantity);
    const ranked = [...quantities.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2);
    expect(metrics.topProducts.map((product: any) => [product.product.id, product.quantity])).toEqual(ranked);
    expect(metrics.topProducts[0].name).toBe(products.find((product) => product.productId === ranked[0]![0])!.name);
    const busy = delivered.reduce((sum, order) => sum + (order.deliveredAt! - order.assignedAt!) / 1000, 0);
    expect(metrics.courierUtilisation.activeCouriers).toBe(couriers.length);
    expect(metrics.courierUtilisation.busySeconds).toBeCloseTo(busy, 3);
    expect(metrics.courierUtilisation.utilisation).toBeCloseTo(busy / (couriers.length * 86_400), 9);
  });

  it('shows a supplier only their own numbers, and refuses another supplier’s', async () => {
    const own = await metricsAs(supplierA, dayInput());
    expect(own.errors).toBeUndefined();
    const expected = expectedFigures(DAY_START, DAY_START + 24 * HOUR, supplierA.id);
    expect(own.data!.businessMetrics.supplierId).toBe(supplierA.id);
    expect(own.data!.businessMetrics.totals.ordersPlaced).toBe(expected.ordersPlaced);
    expect(own.data!.businessMetrics.totals.grossMerchandiseValue).toBe(expected.grossMerchandiseValue);
    expect(own.data!.businessMetrics.totals.paymentsFailed).toBe(expected.paymentsFailed);
    expect(
      own.data!.businessMetrics.topProducts.every(
        (product: any) => products.find((p) => p.productId === product.product.id)?.supplierId === supplierA.id,
      ),
    ).toBe(true);

    const other = await metricsAs(supplierA, dayInput({ supplierId: supplierB.id }));
    expect(other.data).toBeNull();
    expect(other.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const adminScoped = await metricsAs(admin, dayInput({ supplierId: supplierB.id }));
    expect(adminScoped.data!.businessMetrics.totals.ordersPlaced).toBe(
      expectedFigures(DAY_START, DAY_START + 24 * HOUR, supplierB.id).ordersPlaced,
    );

    const customer = await registerUser(test, 'CUSTOMER');
    expect((await metricsAs(customer, dayInput())).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('refuses a minute series longer than a month and a range that ends before it starts', async () => {
    const long = await metricsAs(admin, { from: iso(DAY_START), to: iso(DAY_START + 32 * 24 * HOUR), granularity: 'MINUTE' });
    expect(long.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const backwards = await metricsAs(admin, { from: iso(DAY_START + HOUR), to: iso(DAY_START), granularity: 'HOUR' });
    expect(backwards.errors?.[0]?.extensions?.['fields']).toEqual([{ field: 'input.to', message: 'must be after from' }]);
  });

  it('changes no total when the whole day is replayed on the broker', async () => {
    const before = (await metricsAs(admin, dayInput())).data!.businessMetrics;
    const consumer = analytics().consumers.find((candidate) => candidate.name === 'analytics.ingest')!;
    const duplicatesBefore = consumer.stats().duplicates;
    await test.platform.eventBus.publish(
      published.map((envelope) => ({ topic: topicOf(envelope.type), key: envelope.subject, value: JSON.stringify(envelope) })),
    );
    await eventually(
      async () => (consumer.stats().duplicates - duplicatesBefore >= published.length ? true : undefined),
      60_000,
      'the replay consumed',
    );
    const after = (await metricsAs(admin, dayInput())).data!.businessMetrics;
    expect(after).toEqual(before);
    const { rows } = await sql('select count(*)::int as n from payment_outcomes');
    expect(rows[0].n).toBe(orders.reduce((sum, order) => sum + order.paymentFailures + (order.paid ? 1 : 0), 0));
  });

  it('keeps the minute rollups equal to the facts after the replay (nothing counted twice), and answers as the facts do', async () => {
    const rollups = `select supplier_id, bucket, orders_placed, orders_delivered, gmv::text, delivery_ms_sum::text, delivery_count, payments_succeeded, payments_failed
                     from metrics_minute_rollups
                     where orders_placed <> 0 or orders_delivered <> 0 or payments_succeeded <> 0 or payments_failed <> 0
                     order by supplier_id, bucket`;
    const client = await analytics().database.pool.connect();
    try {
      const maintained = (await client.query(rollups)).rows;
      expect(maintained.length).toBeGreaterThan(0);
      // The same table recomputed from the facts, in a transaction that is rolled back.
      await client.query('begin');
      await client.query('select rebuild_metrics_rollups()');
      const rebuilt = (await client.query(rollups)).rows;
      await client.query('rollback');
      expect(maintained).toEqual(rebuilt);
      const platform = maintained.filter((row) => row.supplier_id === '00000000-0000-0000-0000-000000000000');
      const placed = (await client.query('select count(*)::int as n from order_facts where placed_at is not null')).rows[0].n;
      expect(platform.reduce((sum, row) => sum + row.orders_placed, 0)).toBe(placed);
    } finally {
      client.release();
    }
    const store = new MetricsStore(analytics().database.pool, COMMISSION_BASIS_POINTS);
    for (const granularity of ['MINUTE', 'HOUR', 'DAY'] as const) {
      for (const supplierId of [null, supplierA.id]) {
        const query = { from: new Date(DAY_START), to: new Date(DAY_START + 24 * HOUR), granularity, supplierId, topProducts: 10 };
        const fromRollups = await store.metrics(query);
        const fromFacts = await store.metrics(query, 'facts');
        expect(JSON.parse(JSON.stringify(fromRollups), roundNumbers)).toEqual(JSON.parse(JSON.stringify(fromFacts), roundNumbers));
      }
    }
  });

  it('attributes a failed payment to its supplier when the order is written at the same moment in another transaction', async () => {
    const [orderId, supplierId] = [randomUUID(), randomUUID()];
    // A far-off minute of its own, so the figures read back are only this test's.
    const at = '2031-03-04T05:06:00.000Z';
    const orderWriter = await analytics().database.pool.connect();
    const paymentWriter = await analytics().database.pool.connect();
    try {
      await orderWriter.query('begin');
      await orderWriter.query(
        `insert into order_facts (order_id, customer_id, supplier_id, total_amount, currency, placed_at) values ($1, $2, $3, 11500, 'BRL', $4)`,
        [orderId, randomUUID(), supplierId, at],
      );
      // The payment arrives while the order's transaction is still open: it cannot see the order yet.
      await paymentWriter.query('begin');
      const paymentInserted = paymentWriter.query(
        `insert into payment_outcomes (event_id, payment_id, order_id, supplier_id, succeeded, amount, at) values ($1, $2, $3, null, false, 11500, $4)`,
        [randomUUID(), randomUUID(), orderId, at],
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await orderWriter.query('commit');
      await paymentInserted;
      await paymentWriter.query('commit');
    } finally {
      orderWriter.release();
      paymentWriter.release();
    }
    const { rows } = await sql('select payments_failed from metrics_minute_rollups where supplier_id = $1 and bucket = $2', [
      supplierId,
      at,
    ]);
    expect(rows).toEqual([{ payments_failed: 1 }]);
  });
});

describe('reports', () => {
  const requestReport = `mutation ($input: RequestReportInput!) { requestReport(input: $input) { id status kind format downloadUrl } }`;
  const reportQuery = `query ($id: ID!) { report(id: $id) { id status downloadUrl downloadUrlExpiresAt sizeBytes error requestedBy { id } } }`;

  it('generates a requested report in the background, lists it, publishes report.generated and serves it through a signed link', async () => {
    const requested = await test.query<{ requestReport: any }>(requestReport, {
      token: admin.accessToken,
      variables: { input: { kind: 'METRICS_HOURLY', periodStart: iso(DAY_START), periodEnd: iso(DAY_START + 24 * HOUR), format: 'CSV' } },
    });
    expect(requested.errors).toBeUndefined();
    const id = requested.data!.requestReport.id;
    expect(requested.data!.requestReport.downloadUrl).toBeNull();

    const ready = await eventually(
      async () => {
        const report = (await test.query<{ report: any }>(reportQuery, { token: admin.accessToken, variables: { id } })).data?.report;
        return report?.status === 'READY' ? report : undefined;
      },
      30_000,
      'the report generated',
    );
    expect(ready.requestedBy.id).toBe(admin.id);
    const [generated] = await probe.waitFor((event) => event.envelope?.type === 'report.generated' && event.envelope.data.reportId === id);
    expect(generated!.envelope!.data).toMatchObject({
      requestedBy: admin.id,
      kind: 'METRICS_HOURLY',
      format: 'CSV',
      periodStart: iso(DAY_START),
    });

    const listed = await test.query<{ reports: any }>('{ reports(first: 10) { totalCount nodes { id status } } }', {
      token: admin.accessToken,
    });
    expect(listed.data!.reports.nodes).toContainEqual({ id, status: 'READY' });

    const url = new URL(ready.downloadUrl);
    const download = await fetch(`${test.platform.gateway.url}${url.pathname}${url.search}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    const lines = (await download.text()).trim().split('\r\n');
    expect(lines[0]).toBe(`bucketStart,${figures.split(' ').join(',')}`);
    const expected = expectedFigures(DAY_START, DAY_START + 24 * HOUR, null);
    const total = lines.at(-1)!.split(',');
    expect(total.slice(0, 4)).toEqual([
      'total',
      String(expected.ordersPlaced),
      String(expected.ordersDelivered),
      String(expected.grossMerchandiseValue),
    ]);
    expect(lines.length).toBe(24 + 2);
  });

  it('refuses a tampered link and a report request from a supplier', async () => {
    const tampered = await fetch(
      `${test.platform.gateway.url}/reports?token=${Buffer.from(`${randomUUID()}.9999999999`).toString('base64url')}.AAAA`,
    );
    expect(tampered.status).toBe(401);
    const refused = await test.query(requestReport, {
      token: supplierA.accessToken,
      variables: { input: { kind: 'TOP_PRODUCTS', periodStart: iso(DAY_START), periodEnd: iso(DAY_START + HOUR), format: 'JSON' } },
    });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});

describe('a store’s figures', () => {
  const STORE_DAY = Date.parse('2026-04-01T12:00:00.000Z');
  const storeMetricsQuery = `query ($storeId: ID!, $from: DateTime!, $to: DateTime!) {
    storeMetrics(storeId: $storeId, from: $from, to: $to) {
      storeId storeName ordersPlaced grossMerchandiseValue ordersToAnswer accepted autoAccepted rejected unanswered
      acceptanceRate rejectionRate unansweredRate medianSecondsToAccept deliveredOnTime deliveredLate onTimeRate
    }
  }`;
  const storeMetricsAs = (user: SignedInUser, storeId: string) =>
    test.query<{ storeMetrics: any }>(storeMetricsQuery, {
      token: user.accessToken,
      variables: { storeId, from: iso(STORE_DAY - HOUR), to: iso(STORE_DAY + 23 * HOUR) },
    });

  function storeSnapshot(storeId: string, supplierId: string, name: string, revision: number): StoreSnapshot {
    return {
      storeId,
      supplierId,
      revision,
      name,
      address: {
        street: 'Rua Augusta',
        number: '1500',
        complement: null,
        district: 'Consolação',
        city: 'São Paulo',
        state: 'SP',
        postalCode: '01304001',
        latitude: -23.5587,
        longitude: -46.6602,
      },
      timeZone: 'America/Sao_Paulo',
      deliveryArea: { radiusMeters: 5_000, polygon: null },
      openingHours: [{ weekday: 1, opens: '08:00', closes: '20:00' }],
      exceptions: [],
      pause: null,
      authorization: { number: 'ANP-SP-0042', validUntil: '2030-06-30' },
      resellerType: 'INDEPENDENT',
      brand: null,
      minimumOrderAmount: 0,
      currency: 'BRL',
      deliveryFee: { baseAmount: 500, perKmAmount: 100, freeAboveAmount: null },
      preparationMinutes: 10,
      autoAccept: false,
      active: true,
      updatedAt: iso(STORE_DAY - 2 * HOUR),
    };
  }

  /** One order placed with the store and what became of it, as orders (and couriers) would publish it. */
  async function storeOrder(
    storeId: string,
    supplierId: string,
    totalAmount: number,
    outcome:
      | { accepted: 'BY_HAND' | 'AUTOMATICALLY'; afterSeconds: number; promisedMinutes: number; deliveredMinutes: number | null }
      | { rejected: true }
      | { unanswered: true },
  ) {
    const parties = { orderId: randomUUID(), customerId: randomUUID(), supplierId };
    const at = (seconds: number) => iso(STORE_DAY + seconds * 1000);
    const send = (definition: Parameters<typeof publishEvent>[1], data: unknown) =>
      publishEvent(test.platform.eventBus, definition, parties.orderId, data as never, 'orders');
    await send(OrderEvents.created, {
      ...parties,
      items: [{ productId: randomUUID(), quantity: 1, unitPriceAmount: totalAmount, lineTotalAmount: totalAmount }],
      subtotalAmount: totalAmount,
      deliveryFeeAmount: 0,
      totalAmount,
      currency: 'BRL',
      paymentMethod: 'PIX',
      deliveryLocation: { latitude: -23.56, longitude: -46.65 },
      storeId,
      createdAt: at(0),
    });
    await send(OrderEvents.awaitingAcceptance, {
      ...parties,
      storeId,
      totalAmount,
      currency: 'BRL',
      paymentMethod: 'PIX',
      cylinders: [{ cylinderType: 'P13', quantity: 1, emptiesToCollect: 1 }],
      acceptBy: at(300),
      at: at(10),
    });
    const cancelled = (reasonCode: 'STORE_REJECTED' | 'STORE_DID_NOT_ANSWER', cancelledBy: string | null, seconds: number) =>
      send(OrderEvents.cancelled, {
        ...parties,
        previousStatus: 'AWAITING_ACCEPTANCE',
        reasonCode,
        reason: 'x',
        cancelledBy,
        items: [],
        cancelledAt: at(seconds),
      });
    if ('rejected' in outcome) {
      await send(OrderEvents.rejected, {
        ...parties,
        storeId,
        rejectedBy: supplierId,
        reason: 'Sem P13',
        outOfStockProductIds: [],
        at: at(60),
      });
      await cancelled('STORE_REJECTED', supplierId, 60);
      return;
    }
    if ('unanswered' in outcome) {
      await cancelled('STORE_DID_NOT_ANSWER', null, 300);
      return;
    }
    const acceptedAt = 10 + outcome.afterSeconds;
    await send(OrderEvents.accepted, {
      ...parties,
      storeId,
      acceptedBy: outcome.accepted === 'BY_HAND' ? supplierId : null,
      promisedBy: at(outcome.promisedMinutes * 60),
      at: at(acceptedAt),
    });
    if (outcome.deliveredMinutes !== null)
      await send(OrderEvents.delivered, {
        ...parties,
        courierId: null,
        paymentMethod: 'PIX',
        totalAmount,
        currency: 'BRL',
        deliveredAt: at(outcome.deliveredMinutes * 60),
      });
  }

  it('counts a store’s orders, answers, time to accept and promises kept, for its owner and admins only', async () => {
    const owner = await registerUser(test, 'SUPPLIER', 'Gás do Centro');
    const storeId = randomUUID();
    // Analytics learns the owner and the newest name from the store events.
    await publishEvent(test.platform.eventBus, StoreEvents.created, storeId, storeSnapshot(storeId, owner.id, 'Centro', 1), 'products');
    await publishEvent(
      test.platform.eventBus,
      StoreEvents.updated,
      storeId,
      { ...storeSnapshot(storeId, owner.id, 'Gás do Centro — Augusta', 2), changed: ['name'] },
      'products',
    );
    await storeOrder(storeId, owner.id, 11_500, { accepted: 'BY_HAND', afterSeconds: 90, promisedMinutes: 60, deliveredMinutes: 30 });
    await storeOrder(storeId, owner.id, 12_000, { accepted: 'BY_HAND', afterSeconds: 150, promisedMinutes: 40, deliveredMinutes: 50 });
    await storeOrder(storeId, owner.id, 30_000, {
      accepted: 'AUTOMATICALLY',
      afterSeconds: 0,
      promisedMinutes: 45,
      deliveredMinutes: null,
    });
    await storeOrder(storeId, owner.id, 11_500, { rejected: true });
    await storeOrder(storeId, owner.id, 11_500, { unanswered: true });

    const answered = await eventually(
      async () => {
        const result = await storeMetricsAs(owner, storeId);
        const metrics = result.data?.storeMetrics;
        // Each order's events travel on its own partition: wait until every one of them is in.
        const ingested =
          metrics?.ordersPlaced === 5 &&
          metrics.accepted === 3 &&
          metrics.rejected === 1 &&
          metrics.unanswered === 1 &&
          metrics.deliveredOnTime === 1 &&
          metrics.deliveredLate === 1;
        return ingested ? metrics : undefined;
      },
      30_000,
      'the store’s orders ingested',
    );
    expect(answered).toEqual({
      storeId,
      storeName: 'Gás do Centro — Augusta',
      ordersPlaced: 5,
      grossMerchandiseValue: 23_500,
      ordersToAnswer: 5,
      accepted: 3,
      autoAccepted: 1,
      rejected: 1,
      unanswered: 1,
      acceptanceRate: 0.6,
      rejectionRate: 0.2,
      unansweredRate: 0.2,
      medianSecondsToAccept: 120,
      deliveredOnTime: 1,
      deliveredLate: 1,
      onTimeRate: 0.5,
    });
    expect((await storeMetricsAs(admin, storeId)).data?.storeMetrics.ordersPlaced).toBe(5);
    expect((await storeMetricsAs(supplierA, storeId)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await storeMetricsAs(admin, randomUUID())).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });
});

/** The topic its producer publishes an event type on. */
function topicOf(type: string): string {
  const definition = eventRegistry(subgraphModules.map((module) => module.produces)).definition(type);
  if (definition === undefined) throw new Error(`no contract for ${type}`);
  return definition.topic;
}
