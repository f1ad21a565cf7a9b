import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningGateway } from '../../gateway/src/server.js';
import { freePort } from '../support/free-port.js';
import { postGraphQL, type GraphQLExchange } from '../support/graphql-client.js';
import { startExtraGateway } from '../support/extra-gateway.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { registerUser, type SignedInUser } from '../support/users.js';
import { supplierWithStore } from '../support/stores.js';

/*
 * Fault tolerance at the gateway, against real processes on loopback: the
 * platform's subgraphs, and gateways of this file's own whose accounts
 * subgraph sits behind a fault proxy that can pass requests on, hang, drop
 * connections, answer 503, or be killed and revived on the same port.
 */

// ---------------------------------------------------------------------------
// The fault proxy.
// ---------------------------------------------------------------------------

type Fault = 'pass' | 'hang' | 'drop' | 'unavailable' | 'slow';

class FaultProxy {
  /** What every request meets, unless `next` has a fault queued for it. */
  mode: Fault = 'pass';
  /** Faults for the next requests, one each, before `mode` applies again. */
  readonly next: Fault[] = [];
  /** Requests that reached the proxy, by the query they carried. */
  readonly received: string[] = [];
  slowMs = 500;
  private readonly sockets = new Set<Socket>();
  private server: Server;

  private constructor(
    private readonly target: string,
    private port: number,
  ) {
    this.server = this.createServer();
  }

  static async start(target: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(target, 0);
    await proxy.listen();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  /** Closes the port and cuts every connection, requests in flight included: a crash. */
  async kill(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Listens again on the same port, as a restarted subgraph would. */
  async revive(): Promise<void> {
    this.server = this.createServer();
    await this.listen();
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private createServer(): Server {
    const server = createServer((request, response) => {
      this.handle(request, response).catch(() => response.destroy());
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.received.push(String((JSON.parse(body) as { query?: string }).query));
    const fault = this.next.shift() ?? this.mode;
    if (fault === 'hang') return;
    if (fault === 'drop') {
      request.socket.destroy();
      return;
    }
    if (fault === 'unavailable') {
      response
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ message: 'down for maintenance' }] }));
      return;
    }
    if (fault === 'slow') await delay(this.slowMs);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && !['host', 'content-length', 'connection'].includes(entry[0]),
      ),
    );
    const answer = await fetch(this.target, { method: 'POST', headers, body });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(await answer.text());
  }
}

// ---------------------------------------------------------------------------
// Gateways of this file's own, in front of the platform's subgraphs.
// ---------------------------------------------------------------------------

const runningGateways = new Set<RunningGateway>();

async function startOwnGateway(test: TestPlatform, environment: Record<string, string>, withEvents = false): Promise<RunningGateway> {
  const gateway = await startExtraGateway(test, environment, { withEvents });
  runningGateways.add(gateway);
  return gateway;
}

async function stopOwnGateways(): Promise<void> {
  await Promise.all([...runningGateways].map((gateway) => gateway.stop()));
  runningGateways.clear();
}

const ask = <Data = Record<string, any>>(gateway: RunningGateway, query: string, user?: SignedInUser) =>
  postGraphQL<Data>(`${gateway.url}/graphql`, query, user ? { token: user.accessToken } : {});

async function timed<T>(work: Promise<T>): Promise<{ result: T; ms: number }> {
  const startedAt = performance.now();
  const result = await work;
  return { result, ms: performance.now() - startedAt };
}

async function eventually(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await delay(20);
  }
}

const codesOf = (exchange: GraphQLExchange) => exchange.errors?.map((error) => error.extensions?.['code']);

/** Touches accounts (the signed-in user) and products (the catalog). */
const meAndCatalog = `{ me { name } products(first: 1) { totalCount } }`;

// ===========================================================================

describe('a gateway whose accounts subgraph fails', () => {
  let test: TestPlatform;
  let proxy: FaultProxy;
  let customer: SignedInUser;
  const timeoutMs = 1_000;

  beforeAll(async () => {
    test = await startTestPlatform();
    customer = await registerUser(test, 'CUSTOMER', 'Clara Cliente');
    proxy = await FaultProxy.start(test.subgraphUrl('accounts'));
  });
  afterAll(async () => {
    await stopOwnGateways();
    await proxy?.kill();
    await test?.stop();
  });
  afterEach(async () => {
    await stopOwnGateways();
    proxy.mode = 'pass';
    proxy.next.length = 0;
    proxy.received.length = 0;
  });

  /** Short timeouts and a breaker that will not open during these tests unless they mean it to. */
  const faultyAccounts = (environment: Record<string, string> = {}) =>
    startOwnGateway(test, {
      SUBGRAPH_ACCOUNTS_URL: proxy.url,
      SUBGRAPH_ACCOUNTS_TIMEOUT_MS: String(timeoutMs),
      SUBGRAPH_RETRY_BASE_DELAY_MS: '20',
      CIRCUIT_FAILURE_THRESHOLD: '100',
      ...environment,
    });

  it('answers both subgraphs’ fields while every subgraph is up', async () => {
    const gateway = await faultyAccounts();
    const result = await ask(gateway, meAndCatalog, customer);
    expect(result.errors).toBeUndefined();
    expect(result.data?.['me']).toEqual({ name: 'Clara Cliente' });
    expect(typeof result.data?.['products'].totalCount).toBe('number');
  });

  it('keeps the catalog when accounts answers 503, with SERVICE_UNAVAILABLE on the user’s field only', async () => {
    const gateway = await faultyAccounts();
    proxy.mode = 'unavailable';
    const result = await ask(gateway, meAndCatalog, customer);
    expect(result.status).toBe(200);
    expect(result.data?.['me']).toBeNull();
    expect(typeof result.data?.['products'].totalCount).toBe('number');
    expect(result.errors).toEqual([
      { message: expect.stringMatching(/unavailable/), path: ['me'], extensions: { code: 'SERVICE_UNAVAILABLE' } },
    ]);
  });

  it('answers at once, with partial data, when accounts is killed during the query', async () => {
    const gateway = await faultyAccounts();
    proxy.mode = 'hang';
    const pending = timed(ask(gateway, meAndCatalog, customer));
    await eventually(() => proxy.received.length >= 1, 'the query to reach accounts');
    await proxy.kill();
    try {
      const { result, ms } = await pending;
      // Well before the 1 s timeout: the dropped connection is retried, refused, and reported.
      expect(ms).toBeLessThan(timeoutMs);
      expect(result.data?.['me']).toBeNull();
      expect(typeof result.data?.['products'].totalCount).toBe('number');
      expect(codesOf(result)).toEqual(['SERVICE_UNAVAILABLE']);
    } finally {
      await proxy.revive();
    }
  });

  it('gives up on a hanging accounts subgraph at its timeout, with SERVICE_UNAVAILABLE, and keeps the catalog', async () => {
    const gateway = await faultyAccounts();
    proxy.mode = 'hang';
    const { result, ms } = await timed(ask(gateway, meAndCatalog, customer));
    expect(ms).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(ms).toBeLessThan(timeoutMs + 1_000);
    expect(result.data?.['me']).toBeNull();
    expect(typeof result.data?.['products'].totalCount).toBe('number');
    expect(codesOf(result)).toEqual(['SERVICE_UNAVAILABLE']);
    // A timed-out call is not retried: its budget is spent.
    expect(proxy.received).toHaveLength(1);
  });

  it('answers 503 when the only subgraph an operation needs hangs', async () => {
    const gateway = await faultyAccounts();
    proxy.mode = 'hang';
    const result = await ask(gateway, `{ me { name } }`, customer);
    expect(result.status).toBe(503);
    expect(codesOf(result)).toEqual(['SERVICE_UNAVAILABLE']);
  });

  it('retries a query whose connection dropped, and the client never notices', async () => {
    const gateway = await faultyAccounts();
    proxy.next.push('drop', 'unavailable');
    const result = await ask(gateway, meAndCatalog, customer);
    expect(result.errors).toBeUndefined();
    expect(result.data?.['me']).toEqual({ name: 'Clara Cliente' });
    expect(proxy.received).toHaveLength(3);
  });

  it('gives up after the configured retries', async () => {
    const gateway = await faultyAccounts({ SUBGRAPH_RETRIES: '2' });
    proxy.mode = 'drop';
    const result = await ask(gateway, `{ me { name } }`, customer);
    expect(codesOf(result)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(proxy.received).toHaveLength(3);
  });

  it('never retries a mutation, which may have been applied before its answer was lost', async () => {
    const gateway = await faultyAccounts();
    proxy.mode = 'drop';
    const result = await ask(gateway, `mutation { updateProfile(input: { name: "Clara C." }) { name } }`, customer);
    expect(codesOf(result)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(proxy.received).toHaveLength(1);
  });

  it('keeps a catalog page when accounts is down, with an error on each supplier it could not load', async () => {
    const supplier = await supplierWithStore(test, 'Gás do Bairro');
    const created = await test.query(
      `mutation { createProduct(input: { name: "Botijão P13", cylinderType: P13, priceAmount: 11000, stockQuantity: 3 }) { id } }`,
      {
        token: supplier.accessToken,
      },
    );
    expect(created.errors).toBeUndefined();
    const gateway = await faultyAccounts();
    proxy.mode = 'unavailable';
    const result = await ask(gateway, `{ products(first: 3) { nodes { name supplier { name } } } }`);
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(result.errors?.every((error) => error.extensions?.['code'] === 'SERVICE_UNAVAILABLE')).toBe(true);
    expect(result.errors?.[0]?.path).toEqual(['products', 'nodes', 0, 'supplier']);
    const nodes = (result.data as { products: { nodes: Array<{ name: string; supplier: unknown }> } }).products.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((node) => typeof node.name === 'string' && node.supplier === null)).toBe(true);
    expect(result.status).toBe(200);
  });

  describe('its circuit breaker', () => {
    it('opens after repeated failures, fails fast while open, probes after the cool-down, and closes when accounts is back', async () => {
      const gateway = await faultyAccounts({ CIRCUIT_FAILURE_THRESHOLD: '3', CIRCUIT_COOL_DOWN_MS: '400', SUBGRAPH_RETRIES: '0' });
      const initial = gateway.circuitStates();
      expect(Object.keys(initial)).toEqual(expect.arrayContaining(['accounts', 'products']));
      expect(new Set(Object.values(initial))).toEqual(new Set(['closed']));

      proxy.mode = 'unavailable';
      for (let attempt = 0; attempt < 3; attempt += 1)
        expect(codesOf(await ask(gateway, meAndCatalog, customer))).toEqual(['SERVICE_UNAVAILABLE']);
      expect(gateway.circuitStates().accounts).toBe('open');

      // Open: no request reaches accounts, the answer is immediate, and the catalog still works.
      proxy.mode = 'hang';
      const reached = proxy.received.length;
      const { result: fastFailure, ms } = await timed(ask(gateway, meAndCatalog, customer));
      // Accounts hangs now: anything near its 1 s timeout would mean the gateway waited for it.
      expect(ms).toBeLessThan(timeoutMs / 2);
      expect(proxy.received).toHaveLength(reached);
      expect(fastFailure.data?.['me']).toBeNull();
      expect(typeof fastFailure.data?.['products'].totalCount).toBe('number');
      expect(codesOf(fastFailure)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(gateway.circuitStates().products).toBe('closed');

      // After the cool-down, one probe goes through; accounts is back, so the circuit closes.
      proxy.mode = 'pass';
      await delay(450);
      expect(gateway.circuitStates().accounts).toBe('half-open');
      const recovered = await ask(gateway, meAndCatalog, customer);
      expect(recovered.errors).toBeUndefined();
      expect(recovered.data?.['me']).toEqual({ name: 'Clara Cliente' });
      expect(gateway.circuitStates().accounts).toBe('closed');
    });

    it('opens again for another cool-down when the probe fails', async () => {
      const gateway = await faultyAccounts({ CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_COOL_DOWN_MS: '300', SUBGRAPH_RETRIES: '0' });
      proxy.mode = 'unavailable';
      for (let attempt = 0; attempt < 2; attempt += 1) await ask(gateway, `{ me { name } }`, customer);
      expect(gateway.circuitStates().accounts).toBe('open');
      await delay(350);
      const reached = proxy.received.length;
      await ask(gateway, `{ me { name } }`, customer);
      expect(proxy.received).toHaveLength(reached + 1);
      expect(gateway.circuitStates().accounts).toBe('open');
    });

    it('opens while accounts is killed and closes once it is revived on the same port', async () => {
      const gateway = await faultyAccounts({ CIRCUIT_FAILURE_THRESHOLD: '3', CIRCUIT_COOL_DOWN_MS: '300' });
      await proxy.kill();
      try {
        // Refused connections are retried (2 retries): one query is three failures.
        expect(codesOf(await ask(gateway, `{ me { name } }`, customer))).toEqual(['SERVICE_UNAVAILABLE']);
        expect(gateway.circuitStates().accounts).toBe('open');
      } finally {
        await proxy.revive();
      }
      await delay(350);
      expect((await ask(gateway, `{ me { name } }`, customer)).data).toEqual({ me: { name: 'Clara Cliente' } });
      expect(gateway.circuitStates().accounts).toBe('closed');
    });
  });
});

// ===========================================================================

describe('a gateway shutting down', () => {
  let test: TestPlatform;
  let customer: SignedInUser;
  let supplier: SignedInUser;
  let proxy: FaultProxy;
  const openClients = new Set<Client>();

  beforeAll(async () => {
    test = await startTestPlatform();
    customer = await registerUser(test, 'CUSTOMER', 'Rita Reconecta');
    supplier = await supplierWithStore(test, 'Gás Contínuo');
    proxy = await FaultProxy.start(test.subgraphUrl('accounts'));
  });
  afterAll(async () => {
    await Promise.all([...openClients].map((client) => client.dispose()));
    await stopOwnGateways();
    await proxy?.kill();
    await test?.stop();
  });

  it('lets a request in flight finish, and refuses new connections meanwhile', async () => {
    const gateway = await startOwnGateway(test, { SUBGRAPH_ACCOUNTS_URL: proxy.url });
    proxy.mode = 'slow';
    proxy.slowMs = 600;
    try {
      const inFlight = ask(gateway, `{ me { name } }`, customer);
      await eventually(() => proxy.received.length >= 1, 'the query to reach accounts');
      const stopped = gateway.stop();
      await delay(50);
      await expect(fetch(`${gateway.url}/health`)).rejects.toThrow();
      const answered = await inFlight;
      expect(answered.status).toBe(200);
      expect(answered.data).toEqual({ me: { name: 'Rita Reconecta' } });
      await stopped;
    } finally {
      proxy.mode = 'pass';
    }
  });

  it('closes subscription clients with 1012, and they reconnect by themselves to the restarted gateway and resume their subscriptions', async () => {
    const port = await freePort();
    const environment = { GATEWAY_PORT: String(port) };
    const first = await startOwnGateway(test, environment, true);

    const created = await test.query<{ createProduct: { id: string } }>(
      `mutation { createProduct(input: { name: "Botijão P45", cylinderType: P45, priceAmount: 40000, stockQuantity: 5 }) { id } }`,
      { token: supplier.accessToken },
    );
    const productId = created.data!.createProduct.id;

    const closes: number[] = [];
    let connections = 0;
    const prices: number[] = [];
    const clients = [0, 1].map(() => {
      // graphql-ws's defaults for retries: a real application would not configure anything else.
      const client = createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${customer.accessToken}` },
        on: {
          connected: () => void (connections += 1),
          closed: (event) => void closes.push((event as { code: number }).code),
        },
      });
      openClients.add(client);
      client.subscribe<{ productUpdated: { price: { amount: number } } }>(
        { query: `subscription ($id: ID!) { productUpdated(productId: $id) { price { amount } } }`, variables: { id: productId } },
        { next: (result) => void prices.push(result.data!.productUpdated.price.amount), error: () => {}, complete: () => {} },
      );
      return client;
    });
    expect(clients).toHaveLength(2);
    await eventually(() => first.subscriptions.openSubscriptions() === 2, 'both subscriptions on the first gateway');

    await first.stop();
    runningGateways.delete(first);
    expect(closes).toEqual([1012, 1012]);

    const restarted = await startOwnGateway(test, environment, true);
    await eventually(
      () => restarted.subscriptions.openSubscriptions() === 2,
      'both clients to resubscribe on the restarted gateway',
      20_000,
    );
    expect(connections).toBe(4);

    const updated = await test.query(`mutation ($id: ID!) { updateProduct(id: $id, input: { priceAmount: 42000 }) { id } }`, {
      token: supplier.accessToken,
      variables: { id: productId },
    });
    expect(updated.errors).toBeUndefined();
    await eventually(() => prices.length === 2, 'the price change on both clients');
    expect(prices).toEqual([42_000, 42_000]);
  }, 40_000);
});
