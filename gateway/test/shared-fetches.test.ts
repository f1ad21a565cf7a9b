import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createServiceMetrics } from '#kit';
import { CircuitBreaker, createSubgraphTransport, InFlightRequests } from '../src/resilience/index.js';
import { SubgraphDataSource } from '../src/subgraph-data-source.js';
import type { GatewayContext } from '../src/gateway-context.js';

describe('requests in flight', () => {
  it('share one answer while the first is in flight, and send again once it arrived', async () => {
    const inFlight = new InFlightRequests<string>();
    const releases: Array<() => void> = [];
    const send = (answer: string) => () => new Promise<string>((resolve) => releases.push(() => resolve(answer)));
    const first = inFlight.run('a', send('first'));
    const second = inFlight.run('a', send('not sent'));
    const other = inFlight.run('b', send('other'));
    expect(releases).toHaveLength(2);
    expect(inFlight.joined).toBe(1);
    releases.forEach((release) => release());
    expect([await first, await second, await other]).toEqual(['first', 'first', 'other']);
    expect(inFlight.size).toBe(0);
    const later = inFlight.run('a', send('later'));
    expect(releases).toHaveLength(3);
    releases[2]!();
    expect(await later).toBe('later');
  });
});

describe('a subgraph data source', () => {
  let server: Server;
  let url: string;
  const received: Array<{ authorization: string | undefined; body: string }> = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ authorization: request.headers.authorization, body });
        // Slow enough that concurrent calls overlap.
        setTimeout(() => {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ data: { me: { id: request.headers.authorization ?? 'anonymous' } } }));
        }, 50);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function dataSource(deduplicate: boolean) {
    const breaker = new CircuitBreaker(
      { failureThreshold: 5, failureRate: 0.5, minimumRequests: 20, windowMs: 10_000, coolDownMs: 1_000, halfOpenProbes: 1 },
      () => {},
    );
    return new SubgraphDataSource({
      name: 'accounts',
      url,
      gatewaySecret: 'secret',
      timeoutMs: 2_000,
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      breaker,
      rateLimiter: undefined,
      transport: createSubgraphTransport(2_000, 2_000),
      metrics: createServiceMetrics({ service: 'gateway', processMetrics: false }),
      deduplicate,
      logger: createLogger({ service: 'gateway', level: 'silent' }),
    });
  }

  const call = (source: SubgraphDataSource, token: string | undefined, operation: 'query' | 'mutation' = 'query') =>
    source.process({
      kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
      request: { query: operation === 'query' ? 'query { me { id } }' : 'mutation { touch { id } }', variables: {} },
      context: { accessToken: token, viewer: null, correlationId: 'c', logger: undefined } as unknown as GatewayContext,
      incomingRequestContext: { operation: { operation } } as never,
      document: undefined as never,
      pathInIncomingRequest: [],
    });

  it('sends identical reads of one caller once while in flight, and each caller gets its own copy', async () => {
    received.length = 0;
    const source = dataSource(true);
    const [first, second] = await Promise.all([call(source, 'token-a'), call(source, 'token-a')]);
    expect(received).toHaveLength(1);
    expect(first.data).toEqual({ me: { id: 'Bearer token-a' } });
    expect(second.data).toEqual(first.data);
    expect(second.data).not.toBe(first.data);
  });

  it('never shares between different tokens, nor between a token and no token', async () => {
    received.length = 0;
    const source = dataSource(true);
    const answers = await Promise.all([call(source, 'token-a'), call(source, 'token-b'), call(source, undefined)]);
    expect(received.map((request) => request.authorization).sort()).toEqual([undefined, 'Bearer token-a', 'Bearer token-b'].sort());
    expect(answers.map((answer) => (answer.data as { me: { id: string } }).me.id)).toEqual([
      'Bearer token-a',
      'Bearer token-b',
      'anonymous',
    ]);
  });

  it('never shares mutations, nor anything when turned off', async () => {
    received.length = 0;
    await Promise.all([call(dataSource(true), 'token-a', 'mutation'), call(dataSource(true), 'token-a', 'mutation')]);
    const source = dataSource(false);
    await Promise.all([call(source, 'token-a'), call(source, 'token-a')]);
    expect(received).toHaveLength(4);
  });
});
