import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '#kit';
import { eventually } from '../support/event-probe.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { STRONG_PASSWORD, uniqueContact, type SignedInUser } from '../support/users.js';
import { USER_TOPIC } from '../../subgraphs/accounts/src/events/index.js';
import { PRODUCT_TOPIC } from '../../subgraphs/products/src/events/index.js';
import { supplierWithStore } from '../support/stores.js';

/** One span as an OTLP/HTTP JSON export delivers it, with its resource's service.name. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP's enum: 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
}

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{
      spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[] }>;
    }>;
  }>;
}

const attributesOf = (list: OtlpAttribute[] = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue]));

/** A tiny OTLP/HTTP receiver: what Jaeger or a Collector would be, on port 0, keeping every span. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const exported = JSON.parse(body.toString('utf8')) as OtlpExport;
      for (const resourceSpans of exported.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId === undefined || span.parentSpanId === '' ? undefined : span.parentSpanId,
              name: span.name,
              kind: span.kind,
              service,
              attributes: attributesOf(span.attributes),
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Prometheus text exposition as samples: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (match === null) throw new Error(`not an exposition line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let tracing: Tracing;
let test: TestPlatform;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Tracing is per process, like in a container: the test is this process's entry point.
  tracing = startTracing({ exportUrl: `${receiver.url}/v1/traces`, serviceName: 'gasrapido-test', sampleRatio: 1, exportDelayMs: 100 });
  // Trace-level logs everywhere, for the test that no personal data is logged.
  test = await startTestPlatform({ LOG_LEVEL: 'trace' });
});

afterAll(async () => {
  await test?.stop();
  await tracing?.shutdown();
  await receiver?.close();
});

async function scrape(service: 'gateway' | 'accounts' | 'products'): Promise<Sample[]> {
  const base = service === 'gateway' ? test.platform.gateway.url : test.platform.subgraphs.get(service)!.url;
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return parseExposition(await response.text());
}

/** The sum of a metric's samples whose labels include the given ones; undefined when there is no such series. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matching = samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, sample) => sum + sample.value, 0);
}

async function createProduct(owner: SignedInUser, name: string): Promise<void> {
  const result = await test.query(`mutation CreateProduct($input: CreateProductInput!) { createProduct(input: $input) { id } }`, {
    token: owner.accessToken,
    variables: { input: { name, cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 10 } },
  });
  if (!result.data?.['createProduct']) throw new Error(`createProduct failed: ${JSON.stringify(result.errors)}`);
}

/** Waits until the receiver holds a span matching `predicate`, flushing the exporter meanwhile. */
function spanMatching(predicate: (span: ReceivedSpan) => boolean, what: string): Promise<ReceivedSpan> {
  return eventually(
    async () => {
      await tracing.flush();
      return receiver.spans.find(predicate);
    },
    20_000,
    what,
  );
}

const spanById = (spanId: string | undefined) => receiver.spans.find((span) => span.spanId === spanId);

describe('tracing', () => {
  it('follows a mutation from the gateway into accounts, across Kafka and into the products consumer, as one trace', async () => {
    const supplier = await supplierWithStore(test);
    await createProduct(supplier, 'Botijão P13 rastreado');
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const deleted = await test.query(`mutation DeleteMyAccount { deleteAccount }`, {
      token: supplier.accessToken,
      headers: { traceparent: `00-${traceId}-${clientSpanId}-01` },
    });
    expect(deleted.data).toEqual({ deleteAccount: true });

    // products.user-deletions handles user.deleted, and its product.updated goes out in the same trace.
    const consumed = await spanMatching(
      (span) =>
        span.traceId === traceId &&
        span.kind === CONSUMER &&
        span.attributes['messaging.consumer.group.name'] === 'products.user-deletions',
      'the products consumer span',
    );
    const republished = await spanMatching(
      (span) => span.traceId === traceId && span.kind === PRODUCER && span.service === 'products',
      'the products relay span',
    );

    const gatewayServer = receiver.spans.find((span) => span.traceId === traceId && span.service === 'gateway' && span.kind === SERVER);
    expect(gatewayServer).toMatchObject({ name: 'POST /graphql', parentSpanId: clientSpanId });
    const accountsServer = receiver.spans.find((span) => span.traceId === traceId && span.service === 'accounts' && span.kind === SERVER);
    expect(accountsServer).toMatchObject({ name: 'POST /graphql', attributes: { 'graphql.operation.type': 'mutation' } });
    // accounts was called by @apollo/gateway's fetch span for it, inside the gateway's request span.
    const fetchSpan = spanById(accountsServer!.parentSpanId);
    expect(fetchSpan).toMatchObject({ name: 'gateway.fetch', service: 'gateway', attributes: { service: 'accounts' } });
    let ancestor = fetchSpan;
    while (ancestor !== undefined && ancestor.spanId !== gatewayServer!.spanId) ancestor = spanById(ancestor.parentSpanId);
    expect(ancestor).toBe(gatewayServer);
    // accounts' outbox relay published user.deleted as a child of the request that wrote it…
    const published = spanById(consumed.parentSpanId);
    expect(published).toMatchObject({
      name: `${USER_TOPIC} publish`,
      kind: PRODUCER,
      service: 'accounts',
      parentSpanId: accountsServer!.spanId,
    });
    // …and the consumer continued from the relay's span, in its own service.
    expect(consumed).toMatchObject({
      name: `${USER_TOPIC} process`,
      service: 'products',
      attributes: { 'gasrapido.event.type': 'user.deleted', 'gasrapido.event.outcome': 'handled' },
    });
    expect(republished.parentSpanId).toBe(consumed.spanId);
    expect(new Set([gatewayServer, fetchSpan, accountsServer, published, consumed, republished].map((span) => span!.traceId))).toEqual(
      new Set([traceId]),
    );
  });

  it('gives a query that touches products and accounts one trace, with a server span in each subgraph under the gateway’s fetch for it', async () => {
    const supplier = await supplierWithStore(test, 'Fornecedora Rastreada');
    await createProduct(supplier, 'Botijão P45 rastreado');
    const result = await test.query(`query CatalogWithSuppliers { products(first: 5) { nodes { name supplier { name } } } }`);
    expect(result.errors).toBeUndefined();
    const correlationId = result.headers.get('x-correlation-id')!;

    const gatewayServer = await spanMatching(
      (span) => span.service === 'gateway' && span.kind === SERVER && span.attributes['gasrapido.correlation_id'] === correlationId,
      'the gateway request span',
    );
    expect(gatewayServer.parentSpanId).toBeUndefined();
    for (const subgraph of ['products', 'accounts']) {
      const server = await spanMatching(
        (span) => span.traceId === gatewayServer.traceId && span.service === subgraph && span.kind === SERVER,
        `the ${subgraph} request span`,
      );
      expect(server.attributes).toMatchObject({ 'gasrapido.correlation_id': correlationId, 'graphql.operation.type': 'query' });
      expect(spanById(server.parentSpanId)).toMatchObject({ name: 'gateway.fetch', service: 'gateway', attributes: { service: subgraph } });
    }

    // Every service's log line for the request carries both ids.
    const trace = gatewayServer.traceId;
    await eventually(
      async () => {
        const services = new Set(
          test.logLines
            .filter((line) => line['message'] === 'request' && line['correlationId'] === correlationId && line['traceId'] === trace)
            .map((line) => line['service']),
        );
        return services.size === 3 ? services : undefined;
      },
      5_000,
      'request log lines of the gateway, products and accounts',
    );
  });
});

describe('metrics', () => {
  it('are served at /metrics by every service, with the listed series, and move with traffic', async () => {
    const before = { gateway: await scrape('gateway'), accounts: await scrape('accounts'), products: await scrape('products') };
    const consumedBefore =
      total(before.products, 'gasrapido_events_consumed_total', { consumer: 'products.user-deletions', outcome: 'handled' }) ?? 0;

    const supplier = await supplierWithStore(test);
    await createProduct(supplier, 'Botijão P8 medido');
    const refused = await test.query(`query AdminUsers { users { nodes { id } } }`, { token: supplier.accessToken });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    await test.query(`mutation DeleteMyAccount { deleteAccount }`, { token: supplier.accessToken });
    // A malformed event: products dead-letters it.
    await test.platform.eventBus.publish([{ topic: USER_TOPIC, key: randomUUID(), value: 'not an envelope' }]);
    const products = await eventually(
      async () => {
        const samples = await scrape('products');
        const handled = total(samples, 'gasrapido_events_consumed_total', { consumer: 'products.user-deletions', outcome: 'handled' }) ?? 0;
        const rejected =
          total(samples, 'gasrapido_events_dead_lettered_total', { consumer: 'products.user-deletions', reason: 'rejected' }) ?? 0;
        // The dead-letter counter moves before the message is acknowledged, the consumed counter after.
        const acknowledged =
          total(samples, 'gasrapido_events_consumed_total', { consumer: 'products.user-deletions', outcome: 'dead_lettered' }) ?? 0;
        return handled > consumedBefore && rejected >= 1 && acknowledged >= 1 ? samples : undefined;
      },
      20_000,
      'the deletion and the malformed event consumed by products',
    );
    const gateway = await scrape('gateway');
    const accounts = await scrape('accounts');

    for (const [service, samples] of Object.entries({ gateway, accounts, products })) {
      expect(
        total(samples, 'gasrapido_http_request_duration_seconds_count', { route: '/graphql', method: 'POST', status: '200' }),
        service,
      ).toBeGreaterThan(0);
      expect(total(samples, 'gasrapido_http_requests_in_flight'), service).toBeDefined();
      expect(total(samples, 'process_cpu_user_seconds_total'), service).toBeGreaterThan(0);
      expect(total(samples, 'nodejs_eventloop_lag_seconds'), service).toBeDefined();
      expect(
        samples.every((sample) => sample.labels['service'] === service),
        `${service} reports only its own series`,
      ).toBe(true);
    }
    expect(total(gateway, 'gasrapido_http_request_duration_seconds_count', { route: '/graphql' })).toBeGreaterThan(
      total(before.gateway, 'gasrapido_http_request_duration_seconds_count', { route: '/graphql' }) ?? 0,
    );

    for (const [service, samples] of Object.entries({ accounts, products })) {
      expect(total(samples, 'gasrapido_graphql_requests_total'), service).toBeGreaterThan(0);
      expect(total(samples, 'gasrapido_graphql_request_duration_seconds_count'), service).toBeGreaterThan(0);
      expect(total(samples, 'gasrapido_db_pool_connections', { state: 'open' }), service).toBeGreaterThan(0);
      expect(total(samples, 'gasrapido_db_pool_connections', { state: 'max' }), service).toBeGreaterThan(0);
      expect(total(samples, 'gasrapido_db_pool_waiting_requests'), service).toBe(0);
      expect(total(samples, 'gasrapido_outbox_pending_events'), service).toBeDefined();
    }
    // Subgraph operations are named by the gateway after the client's operation.
    expect(
      total(accounts, 'gasrapido_graphql_requests_total', { operation: 'DeleteMyAccount__accounts__0', operation_type: 'mutation' }),
    ).toBeGreaterThan(0);
    expect(total(accounts, 'gasrapido_graphql_errors_total', { operation: 'AdminUsers__accounts__0', code: 'FORBIDDEN' })).toBeGreaterThan(
      0,
    );
    expect(total(accounts, 'gasrapido_graphql_requests_total')).toBeGreaterThan(
      total(before.accounts, 'gasrapido_graphql_requests_total') ?? 0,
    );
    expect(total(accounts, 'gasrapido_events_published_total', { topic: USER_TOPIC })).toBeGreaterThan(
      total(before.accounts, 'gasrapido_events_published_total', { topic: USER_TOPIC }) ?? 0,
    );
    expect(total(products, 'gasrapido_events_published_total', { topic: PRODUCT_TOPIC })).toBeGreaterThan(0);

    const consumer = { consumer: 'products.user-deletions' };
    expect(total(products, 'gasrapido_events_consumed_total', { ...consumer, outcome: 'dead_lettered' })).toBeGreaterThan(0);
    expect(total(products, 'gasrapido_event_retries_total', { ...consumer, topic: USER_TOPIC })).toBeDefined();
    expect(
      total(products, 'gasrapido_events_dead_lettered_total', { ...consumer, topic: USER_TOPIC, reason: 'handler_failed' }),
    ).toBeDefined();
    expect(total(products, 'gasrapido_event_consumer_lag', consumer)).toBeDefined();
    expect(total(products, 'gasrapido_event_processing_duration_seconds_count', { ...consumer, outcome: 'handled' })).toBeGreaterThan(0);
    expect(total(products, 'gasrapido_event_delivery_delay_seconds_count', consumer)).toBeGreaterThan(0);
  });
});

describe('logs', () => {
  it('never contain a password, an access or refresh token, or an Authorization header, even at trace level', async () => {
    const firstLine = test.logLines.length;
    const contact = uniqueContact();
    const wrongPassword = 'Wr0ng-Horse-Battery-Staple';
    const session = 'accessToken refreshToken';
    const registered = await test.query<{ register: { accessToken: string; refreshToken: string } }>(
      `mutation Register($input: RegisterInput!) { register(input: $input) { ${session} } }`,
      { variables: { input: { ...contact, name: 'Paula Privada', password: STRONG_PASSWORD, role: 'CUSTOMER' } } },
    );
    const loggedIn = await test.query<{ login: { accessToken: string; refreshToken: string } }>(
      `mutation Login($input: LoginInput!) { login(input: $input) { ... on Session { ${session} } } }`,
      { variables: { input: { email: contact.email, password: STRONG_PASSWORD } } },
    );
    const refused = await test.query(`mutation Login($input: LoginInput!) { login(input: $input) { ... on Session { ${session} } } }`, {
      variables: { input: { email: contact.email, password: wrongPassword } },
    });
    expect(refused.errors).toBeDefined();
    const refreshed = await test.query<{ refreshSession: { accessToken: string; refreshToken: string } }>(
      `mutation Refresh($token: String!) { refreshSession(refreshToken: $token) { ${session} } }`,
      { variables: { token: loggedIn.data!.login.refreshToken } },
    );
    // A reused refresh token is refused (and may be reported); its value must not be.
    await test.query(`mutation Refresh($token: String!) { refreshSession(refreshToken: $token) { ${session} } }`, {
      variables: { token: loggedIn.data!.login.refreshToken },
    });
    await test.query(`query Me { me { id email } }`, { token: refreshed.data!.refreshSession.accessToken });
    const forgedToken = `${registered.data!.register.accessToken.slice(0, -6)}AAAAAA`;
    await test.query(`query Me { me { id } }`, { token: forgedToken });

    const sessions = [registered.data!.register, loggedIn.data!.login, refreshed.data!.refreshSession];
    const secrets = [
      STRONG_PASSWORD,
      wrongPassword,
      forgedToken,
      ...sessions.flatMap(({ accessToken, refreshToken }) => [
        accessToken,
        `Bearer ${accessToken}`,
        accessToken.split('.')[2]!,
        refreshToken,
      ]),
    ];
    await eventually(async () =>
      test.logLines.slice(firstLine).some((line) => line['service'] === 'gateway' && line['message'] === 'request') ? true : undefined,
    );
    const lines = test.logLines.slice(firstLine).map((line) => JSON.stringify(line));
    // The test means something only if debug-level lines about these requests were written.
    expect(lines.filter((line) => line.includes('"level":"debug"')).length).toBeGreaterThan(5);
    const leaks = lines.filter((line) => secrets.some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
  });
});
