import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createLogger,
  createServiceMetrics,
  createServiceTelemetry,
  MemoryEventBus,
  ObservedGauge,
  observePool,
  operationNameLabels,
  operationObservabilityPlugin,
  on,
  startEventConsumer,
  type EventConsumer,
  type ServiceMetrics,
  type TransactionRunner,
} from '#kit';
import { USER_TOPIC, UserEvents, userDeletedEnvelope } from './example-contracts.js';

/** The value of one series, or undefined when the registry has no such series. */
async function valueOf(metrics: ServiceMetrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  const { values } = await metric.get();
  const found = values.find((value) => Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted));
  return found?.value;
}

const silent = createLogger({
  service: 'test',
  level: 'silent',
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

/** Consumer transactions in memory: the processed marker commits only if the handler succeeds. */
function memoryTransactions(): TransactionRunner<Set<string>> {
  const processed = new Set<string>();
  return {
    async run(work) {
      const marked = new Set<string>();
      const result = await work(marked);
      for (const key of marked) processed.add(key);
      return result;
    },
    async markProcessed(marked, consumer, eventId) {
      const key = `${consumer}/${eventId}`;
      if (processed.has(key) || marked.has(key)) return false;
      marked.add(key);
      return true;
    },
  };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('operation name labels', () => {
  it('keep the first names, bucket later ones as __other and unnamed ones as __anonymous', () => {
    const labelOf = operationNameLabels(2);
    expect(labelOf('Products')).toBe('Products');
    expect(labelOf('Me')).toBe('Me');
    expect(labelOf('Products')).toBe('Products');
    expect(labelOf('ThirdName')).toBe('__other');
    expect(labelOf(undefined)).toBe('__anonymous');
    expect(labelOf(null)).toBe('__anonymous');
    expect(labelOf('')).toBe('__anonymous');
  });

  it('never take a name that is not a GraphQL name, whatever the limit', () => {
    const labelOf = operationNameLabels(100);
    expect(labelOf('drop table; --')).toBe('__other');
    expect(labelOf('x'.repeat(101))).toBe('__other');
  });
});

describe('service metrics', () => {
  it('keep one registry per service, so services in one process report only their own series', async () => {
    const accounts = createServiceMetrics({ service: 'accounts', processMetrics: false });
    const products = createServiceMetrics({ service: 'products', processMetrics: false });
    const server = new ApolloServer({
      typeDefs: 'type Query { ok: Boolean }',
      resolvers: { Query: { ok: () => true } },
      plugins: [operationObservabilityPlugin(accounts)],
    });
    await server.start();
    await server.executeOperation({ query: 'query Ping { ok }' });
    await server.stop();
    expect(await valueOf(accounts, 'gasrapido_graphql_requests_total', { operation: 'Ping' })).toBe(1);
    expect(await valueOf(products, 'gasrapido_graphql_requests_total', { operation: 'Ping' })).toBeUndefined();
    expect(await accounts.render()).toContain('service="accounts"');
  });

  it('include the Node.js process metrics unless turned off', async () => {
    expect(await createServiceMetrics({ service: 'a' }).render()).toContain('nodejs_eventloop_lag_seconds');
    expect(await createServiceMetrics({ service: 'b', processMetrics: false }).render()).not.toContain('nodejs_');
  });
});

describe('the operation plugin', () => {
  it('counts requests, latency and errors by operation, type and first error code', async () => {
    const metrics = createServiceMetrics({ service: 'test', processMetrics: false });
    const server = new ApolloServer({
      typeDefs: 'type Query { ok: Boolean fails: Boolean } type Mutation { touch: Boolean }',
      resolvers: {
        Query: { ok: () => true, fails: () => Promise.reject(Object.assign(new Error('no'), { extensions: { code: 'FORBIDDEN' } })) },
        Mutation: { touch: () => true },
      },
      plugins: [operationObservabilityPlugin(metrics, { maxOperationNames: 2 })],
    });
    await server.start();
    await server.executeOperation({ query: 'query Ok { ok }' });
    await server.executeOperation({ query: 'query Ok { ok }' });
    await server.executeOperation({ query: '{ ok }' });
    await server.executeOperation({ query: 'mutation Touch { touch }' });
    await server.executeOperation({ query: 'query Third { ok }' });
    await server.executeOperation({ query: 'query Fails { fails }' });
    await server.executeOperation({ query: 'query Broken { nope }' });
    await server.stop();

    expect(await valueOf(metrics, 'gasrapido_graphql_requests_total', { operation: 'Ok', operation_type: 'query' })).toBe(2);
    expect(await valueOf(metrics, 'gasrapido_graphql_requests_total', { operation: '__anonymous' })).toBe(1);
    expect(await valueOf(metrics, 'gasrapido_graphql_requests_total', { operation: 'Touch', operation_type: 'mutation' })).toBe(1);
    // The limit of two names is reached by Ok and Touch.
    expect(await valueOf(metrics, 'gasrapido_graphql_requests_total', { operation: '__other' })).toBe(2);
    expect(await valueOf(metrics, 'gasrapido_graphql_errors_total', { operation: '__other', code: 'FORBIDDEN' })).toBe(1);
    expect(await valueOf(metrics, 'gasrapido_graphql_requests_total', { operation: '__unresolved' })).toBe(1);
    expect(await valueOf(metrics, 'gasrapido_graphql_errors_total', { operation: '__unresolved', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(
      1,
    );
    const latency = await metrics.render();
    expect(latency).toMatch(/gasrapido_graphql_request_duration_seconds_count\{[^}]*operation="Ok"[^}]*\} 2/);
  });
});

describe('gauges read at scrape time', () => {
  it('report a pool’s open, idle, maximum and waiting connections, and stop when told', async () => {
    const metrics = createServiceMetrics({ service: 'test', processMetrics: false });
    const pool = new pg.Pool({ max: 7 });
    const stop = observePool(metrics, pool);
    expect(await valueOf(metrics, 'gasrapido_db_pool_connections', { state: 'max' })).toBe(7);
    expect(await valueOf(metrics, 'gasrapido_db_pool_connections', { state: 'open' })).toBe(0);
    expect(await valueOf(metrics, 'gasrapido_db_pool_waiting_requests')).toBe(0);
    stop();
    expect(await valueOf(metrics, 'gasrapido_db_pool_connections', { state: 'max' })).toBeUndefined();
    await pool.end();
  });

  it('skip a source that fails or hangs instead of failing the scrape', async () => {
    const metrics = createServiceMetrics({ service: 'test', processMetrics: false });
    const gauge = new ObservedGauge(metrics.registry, { name: 'test_gauge', help: 'A test gauge.', labelNames: ['source'] });
    gauge.observe(() => [{ labels: { source: 'good' }, value: 3 }]);
    gauge.observe(() => {
      throw new Error('broken');
    });
    gauge.observe(() => new Promise(() => {}));
    const startedAt = Date.now();
    const body = await metrics.render();
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(body.split('\n').filter((line) => line.startsWith('test_gauge{'))).toEqual(['test_gauge{source="good",service="test"} 3']);
  });
});

describe('event consumer metrics', () => {
  let bus: MemoryEventBus | undefined;
  let consumer: EventConsumer | undefined;
  afterEach(async () => {
    await consumer?.stop();
    await bus?.close();
  });

  it('count handled, duplicate, retried and dead-lettered events, and report lag while running', async () => {
    bus = new MemoryEventBus();
    const telemetry = createServiceTelemetry('products', { processMetrics: false });
    let failuresLeft = 1;
    const poison = randomUUID();
    consumer = await startEventConsumer({
      name: 'products.test',
      bus,
      transactions: memoryTransactions(),
      logger: silent,
      maxAttempts: 2,
      retryBaseMs: 1,
      retryMaxMs: 2,
      telemetry,
      handlers: [
        on(UserEvents.deleted, async (data) => {
          if (data.userId === poison) throw new Error('always fails');
          if (failuresLeft-- > 0) throw new Error('fails once');
        }),
      ],
    });
    const event = userDeletedEnvelope;
    const flaky = event(randomUUID());
    await bus.publish([
      { topic: USER_TOPIC, key: 'a', value: JSON.stringify(flaky) },
      { topic: USER_TOPIC, key: 'a', value: JSON.stringify(flaky) },
      { topic: USER_TOPIC, key: 'b', value: JSON.stringify(event(poison)) },
      { topic: USER_TOPIC, key: 'c', value: 'not json' },
    ]);
    await until(() => consumer!.stats().handled === 1 && consumer!.stats().duplicates === 1 && consumer!.stats().deadLettered === 2);
    const metrics = telemetry.metrics;
    const labels = { consumer: 'products.test', topic: USER_TOPIC };
    expect(await valueOf(metrics, 'gasrapido_events_consumed_total', { ...labels, outcome: 'handled' })).toBe(1);
    expect(await valueOf(metrics, 'gasrapido_events_consumed_total', { ...labels, outcome: 'duplicate' })).toBe(1);
    expect(await valueOf(metrics, 'gasrapido_events_consumed_total', { ...labels, outcome: 'dead_lettered' })).toBe(2);
    expect(await valueOf(metrics, 'gasrapido_event_retries_total', labels)).toBe(2);
    expect(await valueOf(metrics, 'gasrapido_events_dead_lettered_total', { ...labels, reason: 'handler_failed' })).toBe(1);
    expect(await valueOf(metrics, 'gasrapido_events_dead_lettered_total', { ...labels, reason: 'rejected' })).toBe(1);
    expect(await valueOf(metrics, 'gasrapido_event_consumer_lag', { consumer: 'products.test' })).toBe(0);
    expect(await metrics.render()).toMatch(/gasrapido_event_delivery_delay_seconds_count\{[^}]*consumer="products.test"[^}]*\} 3/);
    await consumer.stop();
    consumer = undefined;
    expect(await valueOf(metrics, 'gasrapido_event_consumer_lag', { consumer: 'products.test' })).toBeUndefined();
  });
});
