import { HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { createLogger, type Viewer } from '#kit';
import type { OperationLimits, RateLimitSettings } from '../src/config.js';
import type { GatewayContext } from '../src/gateway-context.js';
import { FrontDoor } from '../src/protection/front-door.js';
import { MemoryRateLimitStore } from '../src/protection/memory-rate-limit-store.js';
import { RateLimiter } from '../src/protection/rate-limiter.js';
import { refusalResponse } from '../src/protection/refusal.js';
import { Safelist } from '../src/protection/safelist.js';

const logger = createLogger({ service: 'front-door-test', level: 'silent' });
const limits: OperationLimits = { maxDepth: 3, maxAliases: 1, maxRootFields: 2, maxTokens: 50, maxCost: 100 };
const rateLimits: RateLimitSettings = {
  enabled: true,
  user: { capacity: 3, refillPerSecond: 0.001 },
  anonymous: { capacity: 3, refillPerSecond: 0.001 },
  subgraphDefault: undefined,
  subgraphs: {},
  trustedProxyHops: 0,
  redisUrl: undefined,
};

const anonymous: GatewayContext = { viewer: null, accessToken: undefined, correlationId: 'c', logger, clientAddress: '203.0.113.1' };
const signedIn = (userId: string): GatewayContext => ({
  ...anonymous,
  viewer: {
    userId,
    roles: ['CUSTOMER'],
    tokenId: 't',
    issuedAt: 0,
    expiresAt: 0,
    mfaAuthenticatedAt: null,
    verified: false,
  } satisfies Viewer,
});

const post = (body: unknown): HTTPGraphQLRequest => ({ method: 'POST', headers: new HeaderMap(), search: '', body });
const get = (parameters: Record<string, string>): HTTPGraphQLRequest => ({
  method: 'GET',
  headers: new HeaderMap(),
  search: `?${new URLSearchParams(parameters).toString()}`,
  body: undefined,
});

function frontDoor(options: { allowBatching?: boolean; safelist?: Safelist } = {}): FrontDoor {
  return new FrontDoor({
    rateLimiter: new RateLimiter(new MemoryRateLimitStore(), rateLimits, logger),
    limits,
    allowBatching: options.allowBatching ?? false,
    maxBatchSize: 3,
    safelist: options.safelist,
  });
}

describe('the front door', () => {
  it('lets an ordinary operation through', async () => {
    expect(await frontDoor().admit(post({ query: '{ me { id } }' }), anonymous)).toBeUndefined();
  });

  it('checks the query of a GET request, read from the query string', async () => {
    const refusal = await frontDoor().admit(get({ query: '{ a { b { c { d } } } }' }), anonymous);
    expect(refusal?.code).toBe('QUERY_TOO_DEEP');
  });

  it('refuses the first operation of a batch that breaks a limit', async () => {
    const door = frontDoor({ allowBatching: true });
    const refusal = await door.admit(post([{ query: '{ me { id } }' }, { query: '{ x: me { id } y: me { id } }' }]), anonymous);
    expect(refusal?.code).toBe('TOO_MANY_ALIASES');
  });

  it('counts each operation of an allowed batch against the caller’s limit, and a refused batch once', async () => {
    const batching = frontDoor({ allowBatching: true });
    expect(await batching.admit(post([{ query: '{ a }' }, { query: '{ b }' }, { query: '{ c }' }]), signedIn('ana'))).toBeUndefined();
    expect((await batching.admit(post({ query: '{ a }' }), signedIn('ana')))?.code).toBe('RATE_LIMITED');

    const refusing = frontDoor();
    for (let index = 0; index < 3; index += 1) {
      expect((await refusing.admit(post([{ query: '{ a }' }, { query: '{ b }' }]), signedIn('bia')))?.code).toBe('BAD_REQUEST');
    }
    expect((await refusing.admit(post({ query: '{ a }' }), signedIn('bia')))?.code).toBe('RATE_LIMITED');
  });

  it('leaves an APQ hash alone to Apollo Server: its query passed these checks when it was registered', async () => {
    expect(await frontDoor().admit(post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }), anonymous)).toBeUndefined();
  });

  it('in safelist mode, refuses unregistered text or ids but lets registered ones through', async () => {
    let address = 0;
    const caller = (): GatewayContext => ({ ...anonymous, clientAddress: `203.0.113.${(address += 1)}` });
    const door = frontDoor({ safelist: Safelist.of([{ id: 'catalog-v1', body: 'query Catalog { products { totalCount } }' }]) });
    expect(await door.admit(post({ query: 'query Catalog { products { totalCount } }' }), caller())).toBeUndefined();
    expect(await door.admit(post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'catalog-v1' } } }), caller())).toBeUndefined();
    expect((await door.admit(post({ query: '{ me { id } }' }), caller()))?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect((await door.admit(post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'other' } } }), caller()))?.code).toBe(
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
  });

  it('answers a refusal with its code’s status, its headers and the details beside the code', async () => {
    const door = frontDoor();
    for (let index = 0; index < 3; index += 1) await door.admit(post({ query: '{ a }' }), anonymous);
    const response = refusalResponse((await door.admit(post({ query: '{ a }' }), anonymous))!);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(response.body.kind === 'complete' && JSON.parse(response.body.string)).toEqual({
      errors: [
        { message: expect.stringMatching(/Too many requests/), extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } },
      ],
    });
  });
});
