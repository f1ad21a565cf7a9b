import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '#kit';
import type { RunningGateway } from '../../gateway/src/server.js';
import { firstCode, postGraphQL, type GraphQLExchange } from '../support/graphql-client.js';
import { startExtraGateway } from '../support/extra-gateway.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { registerUser, type SignedInUser } from '../support/users.js';
import { subgraphFetches } from '../support/gateway-metrics.js';
import { eventually } from '../support/event-probe.js';
import { supplierWithStore } from '../support/stores.js';

/*
 * What the gateway refuses or serves itself before the supergraph does any
 * work: rate limits, operation limits, request bodies, batches, persisted
 * queries and the safelist, and the shared response cache. Real platform on
 * loopback; gateways of this file's own where a setting differs.
 */

// ---------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const runningGateways = new Set<RunningGateway>();

async function startOwnGateway(
  test: TestPlatform,
  environment: Record<string, string>,
  options: Parameters<typeof startExtraGateway>[2] = {},
): Promise<RunningGateway> {
  const gateway = await startExtraGateway(test, environment, options);
  runningGateways.add(gateway);
  return gateway;
}

interface Send {
  token?: string;
  headers?: Record<string, string>;
  variables?: Record<string, unknown>;
}

const ask = <Data = Record<string, any>>(gateway: RunningGateway | TestPlatform, query: string, send: Send = {}) =>
  postGraphQL<Data>('gatewayUrl' in gateway ? gateway.gatewayUrl : `${gateway.url}/graphql`, query, send);

/**
 * Posts a raw JSON body (a batch, an APQ request) and reads the JSON answer. It prefers
 * application/graphql-response+json, as the test client does, so refusals keep their code's status.
 */
async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

let addressSequence = 0;
/** A client address of its own (the gateways here trust one proxy hop), so tests do not share anonymous buckets. */
const ownAddress = () => ({ 'x-forwarded-for': `198.51.100.${(addressSequence += 1)}` });

/**
 * A flooding client in a process of its own, so that sending the flood does
 * not take the CPU of the gateway's process: posts `query` at `perSecond`,
 * at most 100 at a time, and reports how many answers had each status.
 */
function startFlood(options: { url: string; token: string; query: string; perSecond: number; durationMs: number }): {
  statuses: Promise<Record<string, number>>;
  stop(): void;
} {
  const script = `
    const { FLOOD_URL, FLOOD_TOKEN, FLOOD_QUERY, FLOOD_PER_SECOND, FLOOD_DURATION_MS } = process.env;
    const body = JSON.stringify({ query: FLOOD_QUERY });
    const headers = { 'content-type': 'application/json', authorization: 'Bearer ' + FLOOD_TOKEN };
    const statuses = {};
    let inFlight = 0;
    const startedAt = Date.now();
    const finish = () => (inFlight > 0 ? setTimeout(finish, 10) : process.stdout.write(JSON.stringify(statuses), () => process.exit(0)));
    const ticker = setInterval(() => {
      if (Date.now() - startedAt > Number(FLOOD_DURATION_MS)) { clearInterval(ticker); finish(); return; }
      for (let sent = 0; sent < Number(FLOOD_PER_SECOND) / 100 && inFlight < 100; sent += 1) {
        inFlight += 1;
        fetch(FLOOD_URL, { method: 'POST', headers, body })
          .then((response) => response.arrayBuffer().then(() => response.status), () => 0)
          .then((status) => { statuses[status] = (statuses[status] ?? 0) + 1; inFlight -= 1; });
      }
    }, 10);
    process.on('SIGTERM', () => { clearInterval(ticker); finish(); });
  `;
  const child = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env['PATH'] ?? '',
      FLOOD_URL: options.url,
      FLOOD_TOKEN: options.token,
      FLOOD_QUERY: options.query,
      FLOOD_PER_SECOND: String(options.perSecond),
      FLOOD_DURATION_MS: String(options.durationMs),
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const statuses = new Promise<Record<string, number>>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output) as Record<string, number>) : reject(new Error(`flood exited with ${code}`)),
    );
  });
  return {
    statuses,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}

// ===========================================================================

describe('gateway protections', () => {
  let test: TestPlatform;
  let customer: SignedInUser;
  let other: SignedInUser;
  let supplier: SignedInUser;
  const tempDirectory = mkdtempSync(join(tmpdir(), 'gateway-protections-'));

  beforeAll(async () => {
    test = await startTestPlatform({ MAX_REQUEST_BODY_BYTES: '65536' });
    [customer, other, supplier] = await Promise.all([
      registerUser(test, 'CUSTOMER', 'Ana Apressada'),
      registerUser(test, 'CUSTOMER', 'Bruno Paciente'),
      supplierWithStore(test, 'Gás Protegido'),
    ]);
    const product = await test.query(
      `mutation { createProduct(input: { name: "Botijão P13", cylinderType: P13, priceAmount: 11000, stockQuantity: 9 }) { id } }`,
      {
        token: supplier.accessToken,
      },
    );
    expect(product.errors).toBeUndefined();
  });
  afterAll(async () => {
    await Promise.all([...runningGateways].map((gateway) => gateway.stop()));
    await test?.stop();
    rmSync(tempDirectory, { recursive: true, force: true });
  });

  // -------------------------------------------------------------------------
  describe('rate limits', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startOwnGateway(test, {
        GATEWAY_RATE_LIMIT_USER_PER_SECOND: '10',
        GATEWAY_RATE_LIMIT_USER_BURST: '15',
        GATEWAY_RATE_LIMIT_ANONYMOUS_PER_SECOND: '2',
        GATEWAY_RATE_LIMIT_ANONYMOUS_BURST: '3',
        GATEWAY_TRUSTED_PROXY_HOPS: '1',
      });
    });

    it('answer a caller over their burst with 429, RATE_LIMITED and Retry-After, and let them in once it has passed', async () => {
      const address = ownAddress();
      // Sent together, so that no token is refilled between them however slow the machine is.
      const answers: GraphQLExchange[] = await Promise.all(
        Array.from({ length: 4 }, () => ask(gateway, `{ products { totalCount } }`, { headers: address })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 429]);
      const refused = answers.find((answer) => answer.status === 429)!;
      expect(firstCode(refused)).toBe('RATE_LIMITED');
      expect(refused.errors?.[0]?.extensions?.['retryAfter']).toBe(1);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.data ?? null).toBeNull();

      await delay(Number(refused.headers.get('retry-after')) * 1000);
      expect((await ask(gateway, `{ products { totalCount } }`, { headers: address })).status).toBe(200);
    });

    it('count anonymous callers by address, ignoring the X-Forwarded-For entries a client writes itself', async () => {
      const address = ownAddress()['x-forwarded-for'];
      for (let index = 0; index < 3; index += 1) {
        await ask(gateway, `{ __typename }`, { headers: { 'x-forwarded-for': `10.9.9.${index}, ${address}` } });
      }
      const spoofing = await ask(gateway, `{ __typename }`, { headers: { 'x-forwarded-for': `10.9.9.99, ${address}` } });
      expect(spoofing.status).toBe(429);
      expect((await ask(gateway, `{ __typename }`, { headers: ownAddress() })).status).toBe(200);
      // A signed-in user on the same address has a bucket of their own.
      expect((await ask(gateway, `{ __typename }`, { token: customer.accessToken, headers: { 'x-forwarded-for': address } })).status).toBe(
        200,
      );
    });

    it('keep a flood from one user from limiting another user, refusing it before it reaches a subgraph', async () => {
      const catalog = `{ products(first: 5) { totalCount nodes { name } } }`;
      const sample = async (count: number) => {
        const statuses: number[] = [];
        for (let index = 0; index < count; index += 1) {
          statuses.push((await ask(gateway, catalog, { token: other.accessToken })).status);
          await delay(60);
        }
        return statuses;
      };
      expect((await ask(gateway, catalog, { token: other.accessToken })).status).toBe(200);
      const fetchesBefore = await subgraphFetches(gateway.url, 'products');

      // Thirty times the user's allowance, from a process of its own, as an abusive client would send it.
      const floodStarted = Date.now();
      const flood = startFlood({
        url: `${gateway.url}/graphql`,
        token: customer.accessToken,
        query: catalog,
        perSecond: 300,
        durationMs: 2_500,
      });
      let during: number[];
      try {
        await delay(300);
        during = await sample(15);
      } finally {
        flood.stop();
      }
      const statuses = await flood.statuses;
      const floodSeconds = (Date.now() - floodStarted) / 1000;
      const fetches = (await subgraphFetches(gateway.url, 'products')) - fetchesBefore;

      const sent = Object.values(statuses).reduce((sum, count) => sum + count, 0);
      const refused = statuses['429'] ?? 0;
      expect(Object.keys(statuses).filter((status) => status !== '200' && status !== '429')).toEqual([]);
      // The user's bucket (burst 15, 10 per second) admits no more than it holds over the flood's
      // real duration, however fast this machine managed to send; the rest is refused.
      expect(refused).toBeGreaterThan(0);
      expect(sent - refused).toBeLessThanOrEqual(15 + Math.ceil(10 * floodSeconds));
      expect(during).toEqual(during.map(() => 200));
      // One products fetch per admitted catalog query at most: a refused request cost no subgraph anything.
      // (How much a flood slows other users is a matter of speed, for bench/, not of this test.)
      expect(fetches, `${sent} flood requests, ${refused} refused, ${fetches} products fetches`).toBeLessThanOrEqual(
        sent - refused + during.length,
      );
    });

    it('limit what the gateway sends to a subgraph, across callers', async () => {
      const limited = await startOwnGateway(test, {
        SUBGRAPH_PRODUCTS_RATE_LIMIT_PER_SECOND: '1',
        SUBGRAPH_PRODUCTS_RATE_LIMIT_BURST: '2',
      });
      const statuses: number[] = [];
      let refused: GraphQLExchange | undefined;
      for (const token of [customer.accessToken, other.accessToken, customer.accessToken]) {
        const answer = await ask(limited, `{ products { totalCount } }`, { token });
        statuses.push(answer.status);
        if (answer.status === 429) refused = answer;
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(firstCode(refused!)).toBe('RATE_LIMITED');
      expect(refused!.headers.get('retry-after')).toBe('1');
      // Fields of other subgraphs are still answered.
      const mixed = await ask(limited, `{ me { name } products { totalCount } }`, { token: other.accessToken });
      expect(mixed.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
      expect(mixed.errors?.[0]?.path).toEqual(['products']);
    });
  });

  // -------------------------------------------------------------------------
  describe('operation limits', () => {
    /** Refused with 400 and the code, and no subgraph ran a single statement for it. */
    async function expectRefused(query: string, code: string, variables?: Record<string, unknown>): Promise<GraphQLExchange> {
      test.statements.clear();
      const answer = await ask(test, query, { token: customer.accessToken, ...(variables ? { variables } : {}) });
      expect(answer.status).toBe(400);
      expect(firstCode(answer)).toBe(code);
      expect(answer.data ?? null).toBeNull();
      expect([...test.statements.values()].flat()).toEqual([]);
      return answer;
    }

    it('refuse a deep query with QUERY_TOO_DEEP', async () => {
      const deep = `{ products { nodes { supplier { products { nodes { supplier { products { nodes { supplier { products { nodes { id } } } } } } } } } } } }`;
      const answer = await expectRefused(deep, 'QUERY_TOO_DEEP');
      expect(answer.errors?.[0]?.extensions).toMatchObject({ depth: 12, maxDepth: 10 });
    });

    it('refuse a wide query with TOO_MANY_ROOT_FIELDS', async () => {
      const wide = `{ ${Array.from({ length: 11 }, (_, index) => `p${index}: products { totalCount }`).join(' ')} }`;
      const answer = await expectRefused(wide, 'TOO_MANY_ROOT_FIELDS');
      expect(answer.errors?.[0]?.extensions).toMatchObject({ rootFields: 11, maxRootFields: 10 });
    });

    it('refuse an aliased operation with TOO_MANY_ALIASES, such as one login guessing sixteen passwords', async () => {
      const guesses = Array.from(
        { length: 16 },
        (_, index) =>
          `g${index}: login(input: { email: "ana@example.com", password: "guess-${index}" }) { ... on Session { accessToken } }`,
      );
      const answer = await expectRefused(`mutation { ${guesses.join(' ')} }`, 'TOO_MANY_ALIASES');
      expect(answer.errors?.[0]?.extensions).toMatchObject({ aliases: 16, maxAliases: 15 });
    });

    it('refuse a token-heavy document with TOO_MANY_TOKENS', async () => {
      const heavy = `{ me { ${'id '.repeat(20_000)} } }`;
      const answer = await ask(test, heavy);
      expect(answer.status).toBe(400);
      expect(firstCode(answer)).toBe('TOO_MANY_TOKENS');
      expect(answer.errors?.[0]?.extensions).toMatchObject({ maxTokens: 2_000 });
    });

    it('refuse a query whose pages multiply beyond the cost limit with QUERY_TOO_COSTLY, and run the same one with smaller pages', async () => {
      const nested = `query ($n: Int) { products(first: $n) { nodes { supplier { products(first: $n) { nodes { id } } } } } }`;
      const answer = await expectRefused(nested, 'QUERY_TOO_COSTLY', { n: 100 });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ cost: 1 + 100 * (1 + 1 + 1 + 100), maxCost: 5_000 });
      const small = await ask(test, nested, { token: customer.accessToken, variables: { n: 10 } });
      expect(small.status).toBe(200);
      expect(small.errors).toBeUndefined();
    });

    it('leave ordinary queries alone, including the biggest catalog page', async () => {
      const answer = await ask(test, `{ products(first: 100) { totalCount nodes { name price { amount } supplier { name } } } }`);
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
    });
  });

  // -------------------------------------------------------------------------
  describe('request bodies', () => {
    it('over MAX_REQUEST_BODY_BYTES are refused with 413 REQUEST_TOO_LARGE before they are read', async () => {
      const padding = 'x'.repeat(70_000);
      const answer = await ask(test, `{ __typename }`, { variables: { padding } });
      expect(answer.status).toBe(413);
      expect(firstCode(answer)).toBe('REQUEST_TOO_LARGE');
      expect(answer.errors?.[0]?.message).toMatch(/limit of 65536 bytes/);
    });

    it('sent without a length are cut off at the same limit with 413', async () => {
      const gatewayUrl = new URL(test.gatewayUrl);
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: gatewayUrl.hostname,
            port: gatewayUrl.port,
            path: gatewayUrl.pathname,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
          },
          (response: IncomingMessage) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          },
        );
        request.on('error', reject);
        request.write(`{"query":"{ __typename }","variables":{"padding":"`);
        for (let chunk = 0; chunk < 10; chunk += 1) request.write('y'.repeat(10_000));
        request.end('"}}');
      });
      expect(status).toBe(413);
      expect(JSON.parse(body).errors[0]).toMatchObject({
        message: expect.stringMatching(/larger than the limit of 65536 bytes/),
        extensions: { code: 'REQUEST_TOO_LARGE' },
      });
    });
  });

  // -------------------------------------------------------------------------
  describe('batched requests', () => {
    const batch = [{ query: `{ __typename }` }, { query: `{ products { totalCount } }` }];

    it('are refused by default with a clear message, and nothing in them runs', async () => {
      test.statements.clear();
      const answer = await postJson(test.gatewayUrl, batch);
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(answer.body.errors[0].message).toMatch(/Batched requests .* are not accepted/);
      // Products is the subgraph the batch would have reached; other subgraphs' scheduled jobs
      // (payments' settlement sweep) may run statements meanwhile.
      expect(test.statements.get('products') ?? []).toEqual([]);
    });

    it('run when GATEWAY_ALLOW_BATCHING is on, up to GATEWAY_MAX_BATCH_SIZE operations', async () => {
      const batching = await startOwnGateway(test, { GATEWAY_ALLOW_BATCHING: 'true', GATEWAY_MAX_BATCH_SIZE: '2' });
      const answer = await postJson(`${batching.url}/graphql`, batch);
      expect(answer.status).toBe(200);
      expect(answer.body).toHaveLength(2);
      expect(answer.body[0]).toEqual({ data: { __typename: 'Query' } });
      expect(typeof answer.body[1].data.products.totalCount).toBe('number');
      const tooMany = await postJson(`${batching.url}/graphql`, [...batch, ...batch]);
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors[0].message).toMatch(/at most 2 operations/);
    });

    it('have each of their operations checked against the limits', async () => {
      const batching = await startOwnGateway(test, { GATEWAY_ALLOW_BATCHING: 'true', GATEWAY_MAX_ALIASES: '1' });
      const answer = await postJson(`${batching.url}/graphql`, [{ query: `{ __typename }` }, { query: `{ a: __typename b: __typename }` }]);
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].extensions.code).toBe('TOO_MANY_ALIASES');
    });
  });

  // -------------------------------------------------------------------------
  describe('field suggestions', () => {
    it('help developers outside production', async () => {
      const answer = await ask(test, `{ product { nam } }`);
      expect(answer.errors?.map((error) => error.message).join(' ')).toMatch(/Did you mean/);
    });

    it('are hidden in production, so the schema cannot be mapped out through typos', async () => {
      const production = await startOwnGateway(test, { NODE_ENV: 'production' });
      const answer = await ask(production, `{ products { nodez { nam } } }`);
      expect(firstCode(answer)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(answer.errors?.map((error) => error.message).join(' ')).not.toMatch(/Did you mean|nodes/);
    });
  });

  // -------------------------------------------------------------------------
  describe('automatic persisted queries', () => {
    it('register a query sent with its hash, then run it from the hash alone, over POST and GET', async () => {
      const query = `query CatalogCount { products { totalCount } }`;
      const hash = sha256(query);
      const unknown = await postJson(test.gatewayUrl, { extensions: apq(hash) });
      expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');

      const registered = await postJson(test.gatewayUrl, { query, extensions: apq(hash) });
      expect(registered.status).toBe(200);
      expect(typeof registered.body.data.products.totalCount).toBe('number');

      const byHash = await postJson(test.gatewayUrl, { extensions: apq(hash) });
      expect(byHash.body).toEqual(registered.body);
      const viaGet = await fetch(`${test.gatewayUrl}?extensions=${encodeURIComponent(JSON.stringify(apq(hash)))}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(await viaGet.json()).toEqual(registered.body);
    });

    it('never register a query the limits refuse', async () => {
      const query = `{ me { ${Array.from({ length: 16 }, (_, index) => `a${index}: id`).join(' ')} } }`;
      const hash = sha256(query);
      expect((await postJson(test.gatewayUrl, { query, extensions: apq(hash) })).body.errors[0].extensions.code).toBe('TOO_MANY_ALIASES');
      expect((await postJson(test.gatewayUrl, { extensions: apq(hash) })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('estimate the cost again with every run’s variables', async () => {
      const query = `query Pages($n: Int) { products(first: $n) { nodes { supplier { products(first: $n) { nodes { id } } } } } }`;
      const hash = sha256(query);
      expect((await postJson(test.gatewayUrl, { query, variables: { n: 5 }, extensions: apq(hash) })).status).toBe(200);
      const costly = await postJson(test.gatewayUrl, { variables: { n: 100 }, extensions: apq(hash) });
      expect(costly.status).toBe(400);
      expect(costly.body.errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    });
  });

  // -------------------------------------------------------------------------
  describe('safelist mode', () => {
    const catalog = `query Catalog { products { totalCount } }`;
    let gateway: RunningGateway;
    beforeAll(async () => {
      const manifest = join(tempDirectory, 'persisted-query-manifest.json');
      writeFileSync(
        manifest,
        JSON.stringify({
          format: 'apollo-persisted-query-manifest',
          version: 1,
          operations: [
            { id: sha256(catalog), name: 'Catalog', type: 'query', body: catalog },
            { id: 'me-v1', name: 'Me', type: 'query', body: `query Me { me { name } }` },
          ],
        }),
      );
      gateway = await startOwnGateway(test, { GATEWAY_SAFELIST_PATH: manifest });
    });

    it('runs a registered operation sent as text, or by its id alone', async () => {
      expect((await ask(gateway, catalog)).errors).toBeUndefined();
      const byId = await postJson(
        `${gateway.url}/graphql`,
        { extensions: apq('me-v1') },
        { authorization: `Bearer ${customer.accessToken}` },
      );
      expect(byId.body).toEqual({ data: { me: { name: 'Ana Apressada' } } });
    });

    it('refuses every other operation with PERSISTED_QUERY_NOT_IN_LIST, and registers nothing', async () => {
      const other = `{ products { totalCount nodes { name } } }`;
      for (const body of [{ query: other }, { query: other, extensions: apq(sha256(other)) }, { extensions: apq(sha256(other)) }]) {
        const answer = await postJson(`${gateway.url}/graphql`, body);
        expect(answer.status).toBe(400);
        expect(answer.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      }
    });
  });

  // -------------------------------------------------------------------------
  describe('the response cache', () => {
    let hints: CacheHintProxy;
    let gateway: RunningGateway;
    const catalog = `query Catalog($first: Int) { products(first: $first) { totalCount nodes { name } } }`;

    beforeAll(async () => {
      hints = await CacheHintProxy.start(test.subgraphUrl('products'));
      gateway = await startOwnGateway(test, { SUBGRAPH_PRODUCTS_URL: hints.url });
    });
    afterAll(async () => {
      await hints?.close();
    });

    it('serves an anonymous catalog page from the cache while the subgraph’s hint allows, and says so', async () => {
      hints.cacheControl = 'public, max-age=30';
      hints.received = 0;
      const first = await ask(gateway, catalog, { variables: { first: 3 } });
      const second = await ask(gateway, catalog, { variables: { first: 3 } });
      expect(second.data).toEqual(first.data);
      expect(hints.received).toBe(1);
      expect(first.headers.get('cache-control')).toBe('max-age=30, public');
      expect(first.headers.get('vary')).toMatch(/authorization/i);
      expect(second.headers.get('age')).toMatch(/^\d+$/);
      // Other variables are another response.
      await ask(gateway, catalog, { variables: { first: 4 } });
      expect(hints.received).toBe(2);
    });

    it('never serves a signed-in user from it, nor stores their response', async () => {
      hints.cacheControl = 'public, max-age=30';
      await ask(gateway, catalog, { variables: { first: 5 } });
      hints.received = 0;
      for (const user of [customer, customer, other]) {
        const answer = await ask(gateway, catalog, { token: user.accessToken, variables: { first: 5 } });
        expect(answer.errors).toBeUndefined();
        expect(answer.headers.get('age')).toBeNull();
        expect(answer.headers.get('cache-control')).toBe('max-age=30, private');
      }
      expect(hints.received).toBe(3);
    });

    it('is dropped at once by an event of a topic the products subgraph declares with @invalidatesCache', async () => {
      const listening = await startOwnGateway(test, { SUBGRAPH_PRODUCTS_URL: hints.url }, { withEvents: true });
      hints.cacheControl = 'public, max-age=30';
      hints.received = 0;
      await ask(listening, catalog, { variables: { first: 8 } });
      await ask(listening, catalog, { variables: { first: 8 } });
      expect(hints.received).toBe(1);
      const event = createEnvelope({
        type: 'product.created',
        source: 'products',
        subject: 's',
        schemaVersion: 1,
        correlationId: 'c',
        data: {},
      });
      await test.platform.eventBus.publish([{ topic: 'product.events', key: 's', value: JSON.stringify(event) }]);
      await eventually(
        async () => {
          await ask(listening, catalog, { variables: { first: 8 } });
          return hints.received > 1 ? true : undefined;
        },
        15_000,
        'the cache dropped',
      );
    });

    it('honours the hint’s max-age', async () => {
      hints.cacheControl = 'public, max-age=1';
      hints.received = 0;
      await ask(gateway, catalog, { variables: { first: 6 } });
      await ask(gateway, catalog, { variables: { first: 6 } });
      expect(hints.received).toBe(1);
      await delay(1_100);
      await ask(gateway, catalog, { variables: { first: 6 } });
      expect(hints.received).toBe(2);
    });

    it('does not cache a response without a public hint, or one that needs a subgraph that sends none', async () => {
      const cases: Array<[string | undefined, string]> = [
        [undefined, 'no-store'],
        ['no-store', 'no-store'],
        ['private, max-age=30', 'max-age=30, private'],
      ];
      for (const [cacheControl, answered] of cases) {
        hints.cacheControl = cacheControl;
        hints.received = 0;
        await ask(gateway, catalog, { variables: { first: 7 } });
        const again = await ask(gateway, catalog, { variables: { first: 7 } });
        expect(hints.received, String(cacheControl)).toBe(2);
        expect(again.headers.get('cache-control')).toBe(answered);
      }
      hints.cacheControl = 'public, max-age=30';
      hints.received = 0;
      const withSuppliers = `{ products(first: 2) { nodes { name supplier { name } } } }`;
      await ask(gateway, withSuppliers);
      await ask(gateway, withSuppliers);
      expect(hints.received).toBe(2);
    });
  });
});

// ---------------------------------------------------------------------------
// A proxy in front of the products subgraph that adds the Cache-Control
// header products will send for anonymous catalog reads, and counts requests.
// ---------------------------------------------------------------------------

class CacheHintProxy {
  cacheControl: string | undefined = 'public, max-age=30';
  received = 0;

  private constructor(
    private readonly server: Server,
    private readonly target: string,
  ) {}

  static async start(target: string): Promise<CacheHintProxy> {
    const server = createServer((request, response) => {
      proxy.forward(request, response).catch(() => response.destroy());
    });
    const proxy = new CacheHintProxy(server, target);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }

  private async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.received += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && !['host', 'content-length', 'connection'].includes(entry[0]),
      ),
    );
    const answer = await fetch(this.target, { method: 'POST', headers, body: Buffer.concat(chunks) });
    const hint = request.headers.authorization === undefined ? this.cacheControl : 'private, max-age=30';
    response.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
      ...(hint ? { 'cache-control': hint } : {}),
    });
    response.end(await answer.text());
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
  }
}
