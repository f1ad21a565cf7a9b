import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { createClient, type Client, type ClientOptions, type FormattedExecutionResult } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEnvelope } from '#kit';
import { startExtraGateway } from '../support/extra-gateway.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { registerUser, STRONG_PASSWORD, type SignedInUser } from '../support/users.js';
import { subgraphFetches } from '../support/gateway-metrics.js';
import { PRODUCT_TOPIC, ProductEvents } from '../../subgraphs/products/src/events/index.js';
import { supplierWithStore } from '../support/stores.js';

/*
 * Subscriptions at the gateway: GraphQL over WebSocket (graphql-ws) on the
 * same URL as HTTP GraphQL, fed by the event bus, each payload loaded through
 * the supergraph as the subscriber.
 */

// ---------------------------------------------------------------------------
// Clients: the graphql-ws client over the ws package, as a Node application would use it.
// ---------------------------------------------------------------------------

interface CloseRecord {
  code: number;
  reason: string;
  at: number;
}

interface TestClient {
  client: Client;
  closes: CloseRecord[];
  connects: number;
}

const openClients = new Set<Client>();

function wsUrl(test: TestPlatform, path = '/graphql'): string {
  return `${test.platform.gateway.url.replace(/^http/, 'ws')}${path}`;
}

/** A client that does not retry unless told to, so a refusal is reported rather than retried. */
function connect(url: string, options: Partial<ClientOptions> = {}): TestClient {
  const record: TestClient = { client: undefined as unknown as Client, closes: [], connects: 0 };
  record.client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    ...options,
    on: {
      connected: () => {
        record.connects += 1;
      },
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        record.closes.push({ code, reason: String(reason), at: Date.now() });
      },
    },
  });
  openClients.add(record.client);
  return record;
}

const withToken = (token: string) => ({ connectionParams: { authorization: `Bearer ${token}` } });

interface Subscription<Data> {
  readonly results: Array<FormattedExecutionResult<Data, unknown>>;
  /** What ended the subscription with an error: GraphQL errors, or the socket's close event. */
  readonly failure: Promise<unknown>;
  /** Resolves with the n-th result (1-based) once it arrives. */
  nth(count: number, timeoutMs?: number): Promise<FormattedExecutionResult<Data, unknown>>;
  dispose(): void;
}

function subscribe<Data = Record<string, any>>(client: Client, query: string, variables: Record<string, unknown> = {}): Subscription<Data> {
  const results: Array<FormattedExecutionResult<Data, unknown>> = [];
  let fail: (reason: unknown) => void = () => {};
  const failure = new Promise<unknown>((resolve) => (fail = resolve));
  const dispose = client.subscribe<Data>(
    { query, variables },
    { next: (result) => void results.push(result), error: (error) => fail(error), complete: () => {} },
  );
  return {
    results,
    failure,
    async nth(count, timeoutMs = 10_000) {
      await eventually(() => results.length >= count, `result #${count} of ${query.slice(0, 60)}`, timeoutMs);
      return results[count - 1]!;
    },
    dispose,
  };
}

async function eventually(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await delay(20);
  }
}

/** Resolves with a failure that arrives within the time, or undefined. */
const failureWithin = (subscription: Subscription<unknown>, ms: number) => Promise.race([subscription.failure, delay(ms, undefined)]);

async function disposeClients(): Promise<void> {
  await Promise.all([...openClients].map((client) => client.dispose()));
  openClients.clear();
}

afterEach(disposeClients);

// ---------------------------------------------------------------------------
// Raw sockets, for what the graphql-ws client never does (staying silent after opening).
// ---------------------------------------------------------------------------

function rawSocket(url: string): Promise<{ socket: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.once('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    socket.once('open', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** The HTTP status a WebSocket upgrade on this URL is answered with. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => {
      resolve(101);
      socket.close();
    });
    socket.once('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

// ---------------------------------------------------------------------------
// Catalog operations through the gateway.
// ---------------------------------------------------------------------------

interface NewProduct {
  priceAmount?: number;
  stockQuantity?: number;
  lowStockThreshold?: number;
  active?: boolean;
}

async function createProduct(test: TestPlatform, supplier: SignedInUser, input: NewProduct = {}): Promise<string> {
  const result = await test.query<{ createProduct: { id: string } }>(
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    {
      token: supplier.accessToken,
      variables: { input: { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 10, ...input } },
    },
  );
  if (!result.data?.createProduct) throw new Error(`createProduct failed: ${JSON.stringify(result.errors)}`);
  return result.data.createProduct.id;
}

async function updateProduct(test: TestPlatform, supplier: SignedInUser, id: string, input: Record<string, unknown>): Promise<void> {
  const result = await test.query(`mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }`, {
    token: supplier.accessToken,
    variables: { id, input },
  });
  if (result.errors) throw new Error(`updateProduct failed: ${JSON.stringify(result.errors)}`);
}

async function logIn(test: TestPlatform, email: string): Promise<string> {
  const result = await test.query<{ login: { accessToken: string } }>(
    `mutation ($input: LoginInput!) { login(input: $input) { ... on Session { accessToken } } }`,
    {
      variables: { input: { email, password: STRONG_PASSWORD } },
    },
  );
  if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
  return result.data.login.accessToken;
}

const productUpdated = `subscription ($id: ID!) { productUpdated(productId: $id) { id price { amount } supplier { name } } }`;
const inventoryLow = `subscription { inventoryLow { id stockQuantity lowStockThreshold } }`;

/** Waits until the gateway counts this many open subscriptions, so events published next are not missed. */
async function subscriptionsOpen(test: TestPlatform, count: number): Promise<void> {
  await eventually(() => test.platform.gateway.subscriptions.openSubscriptions() === count, `${count} open subscriptions`);
}

// ===========================================================================
// A platform with small limits, so that each can be reached quickly.
// ===========================================================================

describe('the subscription endpoint', () => {
  let test: TestPlatform;
  let customer: SignedInUser;
  let supplier: SignedInUser;

  beforeAll(async () => {
    test = await startTestPlatform({
      SUBSCRIPTION_INIT_TIMEOUT_MS: '500',
      SUBSCRIPTION_MAX_PER_CONNECTION: '3',
      SUBSCRIPTION_MAX_MESSAGE_BYTES: '4096',
    });
    customer = await registerUser(test, 'CUSTOMER', 'Carla Cliente');
    supplier = await supplierWithStore(test, 'Gás Seguro');
  });
  afterAll(async () => {
    await test?.stop();
  });
  afterEach(async () => {
    // Each test starts with no subscription left over from the one before.
    await disposeClients();
    await eventually(() => test.platform.gateway.subscriptions.openSubscriptions() === 0, 'subscriptions of the last test to end');
  });

  describe('headline: cross-subgraph payloads', () => {
    it('sends the new price with the supplier’s name (from accounts) when the supplier changes the price', async () => {
      const productId = await createProduct(test, supplier, { priceAmount: 11_000 });
      const { client } = connect(wsUrl(test), withToken(customer.accessToken));
      const watching = subscribe<{ productUpdated: { id: string; price: { amount: number }; supplier: { name: string } } }>(
        client,
        productUpdated,
        {
          id: productId,
        },
      );
      await subscriptionsOpen(test, 1);

      await updateProduct(test, supplier, productId, { priceAmount: 12_500 });

      const first = await watching.nth(1);
      expect(first.errors).toBeUndefined();
      expect(first.data).toEqual({ productUpdated: { id: productId, price: { amount: 12_500 }, supplier: { name: 'Gás Seguro' } } });
    });

    it('is served on `/` as well as `/graphql`, under the client’s alias, with fragments', async () => {
      const productId = await createProduct(test, supplier);
      const { client } = connect(wsUrl(test, '/'), withToken(customer.accessToken));
      const watching = subscribe(
        client,
        `subscription Watch($id: ID!) { watched: productUpdated(productId: $id) { ...Card } }
         fragment Card on Product { id stockQuantity supplier { id } }`,
        { id: productId },
      );
      await subscriptionsOpen(test, 1);
      await updateProduct(test, supplier, productId, { stockQuantity: 7 });
      expect((await watching.nth(1)).data).toEqual({ watched: { id: productId, stockQuantity: 7, supplier: { id: supplier.id } } });
    });

    it('lists the subscription root fields in introspection at the gateway', async () => {
      const result = await test.query<{ __schema: { subscriptionType: { fields: Array<{ name: string }> } } }>(
        `{ __schema { subscriptionType { fields { name } } } }`,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.__schema.subscriptionType.fields.map((field) => field.name)).toEqual(
        expect.arrayContaining(['productUpdated', 'inventoryLow']),
      );
    });

    it('answers a WebSocket upgrade on any other path with 404', async () => {
      expect(await upgradeStatus(wsUrl(test, '/elsewhere'))).toBe(404);
      expect(await upgradeStatus(wsUrl(test, '/graphql'))).toBe(101);
    });
  });

  describe('several gateway instances', () => {
    it('each deliver every event to their own clients, whichever instance a client is on', async () => {
      const second = await startExtraGateway(test, {}, { withEvents: true, logService: 'gateway-2' });
      try {
        const productId = await createProduct(test, supplier);
        const onFirst = subscribe(connect(wsUrl(test), withToken(customer.accessToken)).client, productUpdated, { id: productId });
        const onSecond = subscribe(
          connect(`${second.url.replace(/^http/, 'ws')}/graphql`, withToken(customer.accessToken)).client,
          productUpdated,
          {
            id: productId,
          },
        );
        await subscriptionsOpen(test, 1);
        await eventually(() => second.subscriptions.openSubscriptions() === 1, 'the subscription on the second instance');

        await updateProduct(test, supplier, productId, { priceAmount: 13_000 });
        expect((await onFirst.nth(1)).data?.['productUpdated'].price.amount).toBe(13_000);
        expect((await onSecond.nth(1)).data?.['productUpdated'].price.amount).toBe(13_000);
      } finally {
        await disposeClients();
        await second.stop();
      }
    });
  });

  describe('authentication', () => {
    it('closes a connection without a token with 4403', async () => {
      const { client, closes } = connect(wsUrl(test));
      const failure = await subscribe(client, inventoryLow).failure;
      expect(failure).toMatchObject({ code: 4403 });
      expect(closes[0]).toMatchObject({ code: 4403, reason: expect.stringMatching(/^Forbidden: send \{ authorization/) });
    });

    it('closes a connection with an invalid token with 4403, in either connection_init form', async () => {
      const forged = `${customer.accessToken.slice(0, -8)}AAAAAAAA`;
      for (const connectionParams of [{ authorization: `Bearer ${forged}` }, { token: forged }, { authorization: 'Basic abc' }]) {
        const { client } = connect(wsUrl(test), { connectionParams });
        expect(await subscribe(client, inventoryLow).failure).toMatchObject({
          code: 4403,
          reason: expect.stringMatching(/^Forbidden: (the access token is invalid or expired|send)/),
        });
      }
    });

    it('accepts the token as `{ token }` too', async () => {
      const productId = await createProduct(test, supplier);
      const { client } = connect(wsUrl(test), { connectionParams: { token: customer.accessToken } });
      const watching = subscribe(client, productUpdated, { id: productId });
      await subscriptionsOpen(test, 1);
      await updateProduct(test, supplier, productId, { priceAmount: 9_900 });
      expect((await watching.nth(1)).data?.['productUpdated'].price).toEqual({ amount: 9_900 });
    });
  });

  describe('limits', () => {
    it('closes a socket that sends no connection_init within the timeout with 4408', async () => {
      const startedAt = Date.now();
      const { closed } = await rawSocket(wsUrl(test));
      expect(await closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(450);
      expect(Date.now() - startedAt).toBeLessThan(3_000);
    });

    it('refuses a subscription beyond the per-connection maximum with RATE_LIMITED, keeping the others', async () => {
      const productId = await createProduct(test, supplier);
      const { client, closes } = connect(wsUrl(test), withToken(customer.accessToken));
      const allowed = [1, 2, 3].map(() => subscribe(client, productUpdated, { id: productId }));
      await subscriptionsOpen(test, 3);
      const refused = subscribe(client, productUpdated, { id: productId });
      expect(await refused.failure).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/already has 3 subscriptions/), extensions: { code: 'RATE_LIMITED' } }),
      ]);
      expect(closes).toEqual([]);

      await updateProduct(test, supplier, productId, { priceAmount: 10_100 });
      for (const subscription of allowed) expect((await subscription.nth(1)).data?.['productUpdated'].price.amount).toBe(10_100);

      // Completing one makes room again.
      allowed[0]!.dispose();
      await subscriptionsOpen(test, 2);
      const again = subscribe(client, productUpdated, { id: productId });
      await subscriptionsOpen(test, 3);
      expect(await failureWithin(again, 200)).toBeUndefined();
    });

    it('closes a socket that sends a message over the size limit with 1009', async () => {
      const { client } = connect(wsUrl(test), withToken(customer.accessToken));
      const padding = `# ${'x'.repeat(5_000)}\n`;
      const failure = await subscribe(client, `${padding}${inventoryLow}`).failure;
      expect(failure).toMatchObject({ code: 1009 });
    });

    it('holds subscriptions to the same depth and alias limits as queries', async () => {
      const { client, closes } = connect(wsUrl(test), withToken(customer.accessToken));
      const deep = `subscription { inventoryLow { supplier { products { nodes { supplier { products { nodes { supplier { products { nodes { id } } } } } } } } } } }`;
      expect(await subscribe(client, deep).failure).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_DEEP' } })]);
      const aliases = Array.from({ length: 20 }, (_, index) => `a${index}: id`).join(' ');
      expect(await subscribe(client, `subscription { inventoryLow { ${aliases} } }`).failure).toEqual([
        expect.objectContaining({ extensions: { code: 'TOO_MANY_ALIASES' } }),
      ]);
      expect(closes).toEqual([]);
    });

    it('refuses invalid documents and non-subscriptions with GraphQL errors, keeping the connection', async () => {
      const { client, closes } = connect(wsUrl(test), withToken(customer.accessToken));
      expect(await subscribe(client, `subscription { inventoryLow { id secret } }`).failure).toEqual([
        expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      ]);
      expect(await subscribe(client, `{ products { totalCount } }`).failure).toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } }),
      ]);
      expect(await subscribe(client, `subscription {`).failure).toEqual([
        expect.objectContaining({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
      ]);
      expect(closes).toEqual([]);
    });
  });

  describe('hostile input', () => {
    it('refuses a subscription whose variables or literals hold a control character, naming the field, keeping the connection', async () => {
      const { client, closes } = connect(wsUrl(test), withToken(customer.accessToken));
      const asVariable = subscribe(client, `subscription ($id: ID!) { productUpdated(productId: $id) { id } }`, {
        id: `${randomUUID()}\u0000`,
      });
      expect(await asVariable.failure).toEqual([
        expect.objectContaining({
          extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'id', message: expect.stringContaining('U+0000') }] },
        }),
      ]);
      const inline = subscribe(client, `subscription { productUpdated(productId: "a\\u0000") { id } }`);
      expect(await inline.failure).toEqual([
        expect.objectContaining({
          extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'productId', message: expect.stringContaining('U+0000') }] },
        }),
      ]);
      expect(closes).toEqual([]);
    });
  });

  describe('admission', () => {
    it('refuses at once, with FORBIDDEN, a subscription the viewer’s roles could never receive, and admits those who hold them', async () => {
      const { client, closes } = connect(wsUrl(test), withToken(customer.accessToken));
      expect(await subscribe(client, inventoryLow).failure).toEqual([
        { message: 'inventoryLow is for SUPPLIER accounts only.', extensions: { code: 'FORBIDDEN' } },
      ]);
      expect(await subscribe(client, `subscription { alertUpdated { id } }`).failure).toEqual([
        { message: 'alertUpdated is for ADMIN accounts only.', extensions: { code: 'FORBIDDEN' } },
      ]);
      expect(closes).toEqual([]);

      const asSupplier = connect(wsUrl(test), withToken(supplier.accessToken)).client;
      // Payments and courier positions reach an order's customer only, so its supplier is refused them.
      expect(await subscribe(asSupplier, `subscription { paymentUpdated { id } }`).failure).toEqual([
        { message: 'paymentUpdated is for CUSTOMER accounts only.', extensions: { code: 'FORBIDDEN' } },
      ]);
      const opened = test.platform.gateway.subscriptions.openSubscriptions() + 1;
      const bySupplier = subscribe(asSupplier, inventoryLow);
      await subscriptionsOpen(test, opened);
      expect(await failureWithin(bySupplier, 200)).toBeUndefined();
      bySupplier.dispose();
    });

    it('refuses with NOT_FOUND a subscription to an order the viewer cannot see, as the orders subgraph would', async () => {
      const { client, closes } = connect(wsUrl(test), withToken(customer.accessToken));
      const unknown = randomUUID();
      for (const field of ['orderStatusChanged', 'paymentUpdated']) {
        expect(
          await subscribe(client, `subscription ($orderId: ID!) { ${field}(orderId: $orderId) { id } }`, { orderId: unknown }).failure,
        ).toEqual([
          { message: `${field}(orderId: "${unknown}") cannot be subscribed to: Order was not found.`, extensions: { code: 'NOT_FOUND' } },
        ]);
      }
      const location = await subscribe(client, `subscription ($orderId: ID!) { courierLocation(orderId: $orderId) { latitude } }`, {
        orderId: unknown,
      }).failure;
      expect(location).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^courierLocation\(orderId: ".+"\) cannot be subscribed to: /),
          extensions: { code: 'NOT_FOUND' },
        }),
      ]);
      expect(closes).toEqual([]);
    });
  });

  describe('per-user filtering', () => {
    it('inventoryLow tells each supplier about their own products only', async () => {
      const supplierA = await supplierWithStore(test, 'Gás A');
      const supplierB = await supplierWithStore(test, 'Gás B');
      const productA = await createProduct(test, supplierA, { stockQuantity: 5, lowStockThreshold: 2 });
      const productB = await createProduct(test, supplierB, { stockQuantity: 5, lowStockThreshold: 2 });
      const a = subscribe<{ inventoryLow: { id: string; stockQuantity: number } }>(
        connect(wsUrl(test), withToken(supplierA.accessToken)).client,
        inventoryLow,
      );
      const b = subscribe<{ inventoryLow: { id: string; stockQuantity: number } }>(
        connect(wsUrl(test), withToken(supplierB.accessToken)).client,
        inventoryLow,
      );
      await subscriptionsOpen(test, 2);

      await updateProduct(test, supplierB, productB, { stockQuantity: 1 });
      expect((await b.nth(1)).data).toEqual({ inventoryLow: { id: productB, stockQuantity: 1, lowStockThreshold: 2 } });
      // A change that stays above the threshold is nobody's alert.
      await updateProduct(test, supplierA, productA, { stockQuantity: 4 });
      await updateProduct(test, supplierA, productA, { stockQuantity: 2 });
      expect((await a.nth(1)).data).toEqual({ inventoryLow: { id: productA, stockQuantity: 2, lowStockThreshold: 2 } });

      // B's product crossing again, published straight onto the bus, still reaches only B.
      await test.platform.eventBus.publish([
        {
          topic: PRODUCT_TOPIC,
          key: productB,
          value: JSON.stringify(
            createEnvelope({
              type: ProductEvents.inventoryUpdated.type,
              source: 'products',
              subject: productB,
              schemaVersion: ProductEvents.inventoryUpdated.version,
              correlationId: 'test-inventory-low-b',
              data: {
                productId: productB,
                supplierId: supplierB.id,
                previousQuantity: 3,
                stockQuantity: 1,
                lowStockThreshold: 2,
                crossedLowThreshold: true,
              },
            }),
          ),
        },
      ]);
      await b.nth(2);
      await delay(300);
      expect(a.results.map((result) => result.data?.inventoryLow.id)).toEqual([productA]);
      expect(b.results.map((result) => result.data?.inventoryLow.id)).toEqual([productB, productB]);
    });

    it('customers watching one product share one anonymous load per change; its supplier is loaded as themselves', async () => {
      const productId = await createProduct(test, supplier, { lowStockThreshold: 3 });
      const customers = [
        customer,
        await registerUser(test, 'CUSTOMER', 'Clara Cliente'),
        await registerUser(test, 'CUSTOMER', 'Caio Cliente'),
      ];
      const watchingWithThreshold = `subscription ($id: ID!) { productUpdated(productId: $id) { id price { amount } lowStockThreshold supplier { name } } }`;
      const asCustomers = customers.map((each) =>
        subscribe(connect(wsUrl(test), withToken(each.accessToken)).client, watchingWithThreshold, { id: productId }),
      );
      const asSupplier = subscribe(connect(wsUrl(test), withToken(supplier.accessToken)).client, watchingWithThreshold, { id: productId });
      await subscriptionsOpen(test, 4);
      const productFetchesBefore = await subgraphFetches(test.platform.gateway.url, 'products');

      await updateProduct(test, supplier, productId, { priceAmount: 9_900 });

      for (const watching of asCustomers) {
        expect((await watching.nth(1)).data).toEqual({
          productUpdated: { id: productId, price: { amount: 9_900 }, lowStockThreshold: null, supplier: { name: 'Gás Seguro' } },
        });
      }
      // The supplier manages the product and sees its threshold: not the public view.
      expect((await asSupplier.nth(1)).data?.['productUpdated'].lowStockThreshold).toBe(3);
      // The mutation, one anonymous load for the three customers, and the supplier's own load.
      expect((await subgraphFetches(test.platform.gateway.url, 'products')) - productFetchesBefore).toBe(3);
    });

    it('productUpdated of an inactive product reaches its supplier, not other people', async () => {
      const productId = await createProduct(test, supplier, { active: false });
      const asCustomer = subscribe(connect(wsUrl(test), withToken(customer.accessToken)).client, productUpdated, { id: productId });
      const asSupplier = subscribe(connect(wsUrl(test), withToken(supplier.accessToken)).client, productUpdated, { id: productId });
      await subscriptionsOpen(test, 2);

      await updateProduct(test, supplier, productId, { priceAmount: 8_800 });
      expect((await asSupplier.nth(1)).data?.['productUpdated'].price.amount).toBe(8_800);

      // Once active, the customer may see it: the next change reaches them too, and only that one.
      await updateProduct(test, supplier, productId, { active: true, priceAmount: 8_900 });
      expect((await asCustomer.nth(1)).data?.['productUpdated'].price.amount).toBe(8_900);
      await asSupplier.nth(2);
      expect(asCustomer.results).toHaveLength(1);
    });
  });
});

// ===========================================================================
// Short-lived tokens, and shutdown: a platform of their own.
// ===========================================================================

describe('connection lifetime', () => {
  const ttlSeconds = 3;
  let test: TestPlatform;
  let stopped = false;
  let supplier: SignedInUser;
  let customer: SignedInUser;

  beforeAll(async () => {
    test = await startTestPlatform({ ACCESS_TOKEN_TTL_SECONDS: String(ttlSeconds) });
    supplier = await supplierWithStore(test, 'Gás Breve');
    customer = await registerUser(test, 'CUSTOMER');
  });
  afterAll(async () => {
    if (!stopped) await test?.stop();
  });

  it('closes the socket with 4403 "Access token expired" at the token’s expiry, and the client reconnects with a fresh token', async () => {
    const productId = await createProduct(test, supplier, { priceAmount: 5_000 });
    const tokens: string[] = [];
    const { client, closes } = connect(wsUrl(test), {
      // A function, so that every (re)connection asks for the current token.
      connectionParams: async () => {
        const token = await logIn(test, customer.email);
        tokens.push(token);
        return { authorization: `Bearer ${token}` };
      },
      retryAttempts: 3,
      retryWait: async () => delay(50),
    });
    const watching = subscribe(client, productUpdated, { id: productId });
    await subscriptionsOpen(test, 1);
    const firstExpiry = JSON.parse(Buffer.from(tokens[0]!.split('.')[1]!, 'base64url').toString('utf8')).exp as number;

    await eventually(() => closes.length >= 1, 'the expiry close', (ttlSeconds + 3) * 1000);
    expect(closes[0]).toMatchObject({ code: 4403, reason: 'Access token expired' });
    // At exp, not at exp plus the verifier's 5 s clock tolerance (exp has whole-second precision).
    expect(closes[0]!.at).toBeGreaterThanOrEqual(firstExpiry * 1000 - 1_000);
    expect(closes[0]!.at).toBeLessThan(firstExpiry * 1000 + 1_000);

    // The client reconnected with a fresh token and subscribed again by itself.
    await eventually(() => tokens.length >= 2, 'a reconnection');
    await subscriptionsOpen(test, 1);
    await updateProduct(test, supplier, productId, { priceAmount: 5_500 });
    expect((await watching.nth(1)).data?.['productUpdated'].price.amount).toBe(5_500);
  });

  it('closes every client with 1012 (Service Restart) when the gateway stops', async () => {
    const productId = await createProduct(test, supplier);
    const { client, closes } = connect(wsUrl(test), withToken(await logIn(test, customer.email)));
    subscribe(client, productUpdated, { id: productId });
    await subscriptionsOpen(test, 1);
    stopped = true;
    await test.stop();
    await eventually(() => closes.length >= 1, 'the shutdown close');
    expect(closes[0]).toMatchObject({ code: 1012, reason: 'Service restart' });
  });
});
