import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { STRONG_PASSWORD, uniqueContact, type SignedInUser } from '../support/users.js';
import { supplierWithStore } from '../support/stores.js';

/*
 * A web page on another origin, in a real headless Chromium, calls the gateway
 * as a web app would: an anonymous query, registration, a signed-in query with
 * Authorization, and a graphql-ws connection that receives an event. Every
 * step crosses origins, so each one needs the gateway's CORS (or, for the
 * WebSocket, its origin check) to let the page through.
 */

/** The project's script finds Chromium, installing Debian's package when it is missing. */
async function provisionChromium(): Promise<string> {
  const script = fileURLToPath(new URL('../../scripts/chromium/ensure-chromium.sh', import.meta.url));
  const { stdout } = await promisify(execFile)('bash', [script], { encoding: 'utf8', timeout: installTimeoutMs });
  return stdout.trim();
}

/** Installing Debian's chromium on a machine that has none takes minutes; afterwards it is instant. */
const installTimeoutMs = 600_000;

/** graphql-ws's browser build, as a page would load it from a CDN; it defines `graphqlWs`. */
const graphqlWsBrowserBuild = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js'),
  'utf8',
);

const pageHtml = `<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>GasRápido web</title><script src="/graphql-ws.js"></script></head>
<body><p>GasRápido</p></body></html>`;

/** A site of its own (another port, another host name) serving the page and its script. */
async function startPageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    if (request.url === '/graphql-ws.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(graphqlWsBrowserBuild);
      return;
    }
    if (request.url === '/' || request.url === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(pageHtml);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

interface PageAnswer {
  status: number;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** Runs one operation with the page's own fetch, as a web app's GraphQL client does. */
function fetchFromPage(
  page: Page,
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<PageAnswer> {
  return page.evaluate(
    async (url, operation, operationVariables, accessToken) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json;q=0.9',
          ...(accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }),
        },
        body: JSON.stringify({ query: operation, variables: operationVariables }),
      });
      return { status: response.status, body: (await response.json()) as PageAnswer['body'] };
    },
    gatewayUrl,
    query,
    variables,
    token,
  );
}

describe('a web page on another origin, in Chromium', () => {
  let test: TestPlatform;
  let browser: Browser | undefined;
  let site: { server: Server; origin: string } | undefined;
  let page: Page;
  let supplier: SignedInUser;
  let productId: string;

  beforeAll(async () => {
    const executablePath = await provisionChromium();
    test = await startTestPlatform();
    supplier = await supplierWithStore(test, 'Gás na Janela');
    const created = await test.query<{ createProduct: { id: string } }>(
      'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
      {
        token: supplier.accessToken,
        variables: { input: { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 10 } },
      },
    );
    productId = created.data!.createProduct.id;
    site = await startPageServer();
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      // Root in a container has no user namespaces for the sandbox; /dev/shm is often tiny there.
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
    page = await browser.newPage();
    await page.goto(`${site.origin}/`);
    // A platform, a verified supplier and a browser: slow on a busy machine.
  }, installTimeoutMs + 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (site === undefined ? resolve() : site.server.close(() => resolve())));
    await test?.stop();
  });

  it('runs an anonymous query, registers, runs a signed-in query and receives a subscription event', async () => {
    expect(new URL(site!.origin).origin).not.toBe(new URL(test.gatewayUrl).origin);

    const catalog = await fetchFromPage(page, test.gatewayUrl, 'query Product($id: ID!) { product(id: $id) { id name } }', {
      id: productId,
    });
    expect(catalog.status).toBe(200);
    expect(catalog.body.data?.['product']).toEqual({ id: productId, name: 'Botijão P13' });

    const contact = uniqueContact();
    const registered = await fetchFromPage(
      page,
      test.gatewayUrl,
      'mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id email } } }',
      {
        input: { ...contact, name: 'Júlia Navegadora', password: STRONG_PASSWORD, role: 'CUSTOMER' },
      },
    );
    expect(registered.body.errors).toBeUndefined();
    const accessToken = registered.body.data?.['register'].accessToken as string;
    expect(accessToken).toEqual(expect.any(String));

    const me = await fetchFromPage(page, test.gatewayUrl, '{ me { id email } }', {}, accessToken);
    expect(me.body.data?.['me']).toEqual({ id: registered.body.data?.['register'].user.id, email: contact.email });

    const wsUrl = `${test.platform.gateway.url.replace(/^http/, 'ws')}/graphql`;
    // The page connects, signs in through connection_init, and keeps what arrives on window.
    const acknowledged = await page.evaluate(
      (url, token, id) =>
        new Promise<boolean>((resolve, reject) => {
          const live = globalThis as unknown as {
            graphqlWs: { createClient(options: Record<string, unknown>): { subscribe(payload: unknown, sink: unknown): () => void } };
            received: unknown[];
            failures: unknown[];
          };
          live.received = [];
          live.failures = [];
          const client = live.graphqlWs.createClient({
            url,
            retryAttempts: 0,
            connectionParams: { authorization: `Bearer ${token}` },
            on: {
              connected: () => resolve(true),
              closed: (event: { code?: number }) => reject(new Error(`closed with ${event.code ?? 'no code'}`)),
            },
          });
          client.subscribe(
            { query: 'subscription ($id: ID!) { productUpdated(productId: $id) { id price { amount } } }', variables: { id } },
            {
              next: (message: unknown) => live.received.push(message),
              error: (error: unknown) => live.failures.push(String(error)),
              complete: () => {},
            },
          );
        }),
      wsUrl,
      accessToken,
      productId,
    );
    expect(acknowledged).toBe(true);

    const deadline = Date.now() + 15_000;
    while (test.platform.gateway.subscriptions.openSubscriptions() < 1 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const updated = await test.query('mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', {
      token: supplier.accessToken,
      variables: { id: productId, input: { priceAmount: 11_500 } },
    });
    expect(updated.errors).toBeUndefined();
    await page.waitForFunction(() => (globalThis as unknown as { received: unknown[] }).received.length > 0, { timeout: 20_000 });
    const received = await page.evaluate(() => (globalThis as unknown as { received: unknown[]; failures: unknown[] }).received);
    expect(received[0]).toEqual({ data: { productUpdated: { id: productId, price: { amount: 11_500 } } } });
  }, 60_000);
});
