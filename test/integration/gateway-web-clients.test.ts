import { request as httpRequest } from 'node:http';
import { ApolloClient, CombinedGraphQLErrors, gql, HttpLink, InMemoryCache, ServerError } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningGateway } from '../../gateway/src/server.js';
import { firstCode, postGraphQL } from '../support/graphql-client.js';
import { startExtraGateway } from '../support/extra-gateway.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { registerUser, STRONG_PASSWORD, uniqueContact, type SignedInUser } from '../support/users.js';

/*
 * What a web or mobile client on another origin meets at the gateway: CORS
 * (preflights answered before the CSRF check and the rate limits, an origin
 * allow-list, WebSocket origins), and errors that arrive as GraphQL errors
 * whatever media type the client reads (docs/errors.md, "HTTP statuses").
 */

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP exchange with exactly the headers given (fetch would add or refuse some, Origin among them). */
function send(url: string, options: { method: string; headers?: Record<string, string>; body?: string }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: options.method, headers: options.headers ?? {} }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const preflight = (url: string, origin: string, method = 'POST', requestHeaders = 'content-type, authorization') =>
  send(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': requestHeaders },
  });

const postFrom = (url: string, origin: string, query: string, headers: Record<string, string> = {}) =>
  send(url, { method: 'POST', headers: { origin, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

/** Opens a WebSocket as a browser page of `origin` would; resolves with the HTTP status the upgrade was refused with, or 101. */
function upgradeStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', origin === undefined ? {} : { origin });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
  });
}

const pageOrigin = 'http://localhost:5173';
const forbiddenQuery = '{ myCourierProfile { id } }';
const registerMutation = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }';
const invalidRegistration = () => ({
  ...uniqueContact(),
  email: 'not-an-email',
  name: 'Ana Teste',
  password: STRONG_PASSWORD,
  role: 'CUSTOMER',
});

describe('web and mobile clients at the gateway', () => {
  let test: TestPlatform;
  let customer: SignedInUser;
  const gateways: RunningGateway[] = [];
  const ownGateway = async (environment: Record<string, string>, withEvents = false) => {
    const gateway = await startExtraGateway(test, environment, { withEvents });
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    test = await startTestPlatform();
    customer = await registerUser(test, 'CUSTOMER', 'Carla Cliente');
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await test?.stop();
  });

  describe('CORS', () => {
    it('answers a preflight from any origin outside production, allowing what Apollo Client and graphql clients send', async () => {
      const answer = await preflight(
        test.gatewayUrl,
        pageOrigin,
        'POST',
        'content-type, authorization, apollo-require-preflight, x-apollo-operation-name',
      );
      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['access-control-allow-methods']).toBe('GET, POST');
      const allowed = String(answer.headers['access-control-allow-headers']).split(', ');
      for (const header of [
        'authorization',
        'content-type',
        'apollo-require-preflight',
        'x-apollo-operation-name',
        'apollographql-client-name',
        'apollographql-client-version',
        'x-correlation-id',
      ]) {
        expect(allowed).toContain(header);
      }
      expect(Number(answer.headers['access-control-max-age'])).toBeGreaterThan(0);
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('answers preflights for the forwarded HTTP routes with their own methods', async () => {
      const upload = await preflight(`${test.platform.gateway.url}/uploads?token=x`, pageOrigin, 'PUT', 'content-type');
      expect(upload.status).toBe(204);
      expect(upload.headers['access-control-allow-methods']).toBe('PUT');
      const report = await preflight(`${test.platform.gateway.url}/reports?token=x`, pageOrigin, 'GET', 'authorization');
      expect(report.status).toBe(204);
      expect(report.headers['access-control-allow-methods']).toBe('GET');
      expect((await preflight(`${test.platform.gateway.url}/nowhere`, pageOrigin)).status).toBe(404);
    });

    it('lets the page read an answer, with the correlation id and Retry-After exposed', async () => {
      const answer = await postFrom(test.gatewayUrl, pageOrigin, '{ __typename }');
      expect(answer.status).toBe(200);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(String(answer.headers['access-control-expose-headers']).split(', ')).toEqual(['x-correlation-id', 'retry-after']);
      expect(answer.headers['vary']).toMatch(/Origin/);
    });

    describe('with a list of origins', () => {
      const appOrigin = 'https://app.gasrapido.com.br';
      let gateway: RunningGateway;
      beforeAll(async () => {
        gateway = await ownGateway(
          { GATEWAY_CORS_ORIGINS: `${appOrigin},https://admin.gasrapido.com.br`, GATEWAY_CORS_CREDENTIALS: 'true' },
          true,
        );
      });

      it('echoes a listed origin, with credentials as configured', async () => {
        const answer = await preflight(`${gateway.url}/graphql`, appOrigin);
        expect(answer.status).toBe(204);
        expect(answer.headers['access-control-allow-origin']).toBe(appOrigin);
        expect(answer.headers['access-control-allow-credentials']).toBe('true');
        expect(answer.headers['vary']).toMatch(/Origin/);
        const read = await postFrom(`${gateway.url}/graphql`, appOrigin, '{ __typename }');
        expect(read.headers['access-control-allow-origin']).toBe(appOrigin);
        expect(read.headers['access-control-allow-credentials']).toBe('true');
      });

      it('refuses the preflight of any other origin with 403 and gives its answers no CORS headers', async () => {
        const answer = await preflight(`${gateway.url}/graphql`, 'https://evil.example');
        expect(answer.status).toBe(403);
        expect(answer.headers['access-control-allow-origin']).toBeUndefined();
        const read = await postFrom(`${gateway.url}/graphql`, 'https://evil.example', '{ __typename }');
        expect(read.headers['access-control-allow-origin']).toBeUndefined();
      });

      it('refuses a WebSocket upgrade from a page of another origin, and accepts listed pages and clients without Origin', async () => {
        const url = `${gateway.url.replace(/^http/, 'ws')}/graphql`;
        expect(await upgradeStatus(url, 'https://evil.example')).toBe(403);
        expect(await upgradeStatus(url, appOrigin)).toBe(101);
        expect(await upgradeStatus(url)).toBe(101);
      });
    });

    it('answers preflights before the rate limits and the CSRF check, which still refuses simple requests', async () => {
      const gateway = await ownGateway({ GATEWAY_RATE_LIMIT_ANONYMOUS_PER_SECOND: '0.01', GATEWAY_RATE_LIMIT_ANONYMOUS_BURST: '2' });
      const url = `${gateway.url}/graphql`;
      for (let attempt = 0; attempt < 5; attempt += 1) expect((await preflight(url, pageOrigin)).status).toBe(204);
      expect((await postFrom(url, pageOrigin, '{ __typename }')).status).toBe(200);
      const simple = await send(url, {
        method: 'POST',
        headers: { origin: pageOrigin, 'content-type': 'text/plain' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(simple.status).toBe(400);
      expect(simple.body).toMatch(/CSRF/);
    });
  });

  describe('errors reach clients as GraphQL errors', () => {
    it('answers application/json with 200 for every GraphQL response, errors included', async () => {
      const forbidden = await test.query(forbiddenQuery, { token: customer.accessToken, accept: 'json' });
      expect([forbidden.status, firstCode(forbidden)]).toEqual([200, 'FORBIDDEN']);
      const invalid = await test.query(registerMutation, { variables: { input: invalidRegistration() }, accept: 'json' });
      expect([invalid.status, firstCode(invalid)]).toEqual([200, 'BAD_USER_INPUT']);
      const unknownField = await test.query('{ noSuchField }', { accept: 'json' });
      expect([unknownField.status, firstCode(unknownField)]).toEqual([200, 'GRAPHQL_VALIDATION_FAILED']);
      const unparsable = await test.query('{ me {', { accept: 'json' });
      expect([unparsable.status, firstCode(unparsable)]).toEqual([200, 'GRAPHQL_PARSE_FAILED']);
      const tooDeep = await test.query(`{ me { ${'a { '.repeat(12)}b${' }'.repeat(12)} } }`, { accept: 'json' });
      expect([tooDeep.status, firstCode(tooDeep)]).toEqual([200, 'QUERY_TOO_DEEP']);
      expect(forbidden.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('reports a refused mutation once, not again for the non-null result its refusal nulled', async () => {
      const refused = await test.query(
        'mutation { createProduct(input: { name: "Botijão P13", cylinderType: P13, priceAmount: 11000, stockQuantity: 1 }) { id } }',
        {
          accept: 'json',
        },
      );
      expect(refused.data).toBeNull();
      expect(refused.errors?.map((error) => [error.path, error.extensions?.['code']])).toEqual([[['createProduct'], 'UNAUTHENTICATED']]);
    });

    it('keeps the code’s status for clients that ask for application/graphql-response+json', async () => {
      const forbidden = await test.query(forbiddenQuery, { token: customer.accessToken });
      expect([forbidden.status, firstCode(forbidden)]).toEqual([403, 'FORBIDDEN']);
      expect(forbidden.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
      const tooDeep = await test.query(`{ me { ${'a { '.repeat(12)}b${' }'.repeat(12)} } }`);
      expect([tooDeep.status, firstCode(tooDeep)]).toEqual([400, 'QUERY_TOO_DEEP']);
      expect(tooDeep.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    });

    it('keeps 4xx for requests that never became GraphQL, in the media type the client asked for', async () => {
      for (const accept of ['json', 'graphql-response'] as const) {
        const badToken = await test.query('{ __typename }', { token: 'not-a-token', accept });
        expect([badToken.status, firstCode(badToken)]).toEqual([401, 'UNAUTHENTICATED']);
        expect(badToken.headers.get('content-type')).toMatch(
          accept === 'json' ? /^application\/json/ : /^application\/graphql-response\+json/,
        );
      }
      const notJson = await send(test.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
      expect(notJson.status).toBe(400);
      const tooLarge = await send(test.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1_100_000) } }),
      });
      expect(tooLarge.status).toBe(413);
      const limited = await ownGateway({ GATEWAY_RATE_LIMIT_ANONYMOUS_PER_SECOND: '0.01', GATEWAY_RATE_LIMIT_ANONYMOUS_BURST: '1' });
      const url = `${limited.url}/graphql`;
      await postGraphQL(url, '{ __typename }', { accept: 'json' });
      const refused = await postGraphQL(url, '{ __typename }', { accept: 'json' });
      expect([refused.status, firstCode(refused)]).toEqual([429, 'RATE_LIMITED']);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    });

    describe('to Apollo Client', () => {
      const clientWith = (accessToken: string | undefined, headers: Record<string, string> = {}) =>
        new ApolloClient({
          link: new HttpLink({
            uri: test.gatewayUrl,
            headers: { ...headers, ...(accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }) },
          }),
          cache: new InMemoryCache(),
        });

      it.each([
        ['its default Accept header (graphql-response+json preferred)', {}],
        ['Accept: application/json, as older clients send', { accept: 'application/json' }],
      ])('delivers FORBIDDEN and BAD_USER_INPUT as GraphQL errors with their codes, with %s', async (_name, headers) => {
        const signedIn = clientWith(customer.accessToken, headers);
        const forbidden = await signedIn.query({ query: gql(forbiddenQuery), errorPolicy: 'all', fetchPolicy: 'no-cache' });
        expect(forbidden.error).toBeInstanceOf(CombinedGraphQLErrors);
        expect(forbidden.error).not.toBeInstanceOf(ServerError);
        expect((forbidden.error as CombinedGraphQLErrors).errors[0]?.extensions?.['code']).toBe('FORBIDDEN');

        const anonymous = clientWith(undefined, headers);
        const invalid = await anonymous.mutate({ mutation: gql(registerMutation), variables: { input: invalidRegistration() } }).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(CombinedGraphQLErrors.is(invalid)).toBe(true);
        expect((invalid as CombinedGraphQLErrors).errors[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      });
    });
  });
});
