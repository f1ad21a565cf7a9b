import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createLogger, type Viewer } from '#kit';
import type { RateLimitSettings } from '../src/config.js';
import { clientAddress } from '../src/protection/client-address.js';
import { MemoryRateLimitStore } from '../src/protection/memory-rate-limit-store.js';
import { RateLimiter } from '../src/protection/rate-limiter.js';

const logger = createLogger({ service: 'rate-limiter-test', level: 'silent' });

const settings: RateLimitSettings = {
  enabled: true,
  user: { capacity: 2, refillPerSecond: 0.5 },
  anonymous: { capacity: 1, refillPerSecond: 0.25 },
  subgraphDefault: undefined,
  subgraphs: { products: { capacity: 1, refillPerSecond: 1 } },
  trustedProxyHops: 0,
  redisUrl: undefined,
};

const viewer = (userId: string): Viewer => ({
  userId,
  roles: ['CUSTOMER'],
  tokenId: `token-of-${userId}`,
  issuedAt: 0,
  expiresAt: Math.floor(Date.now() / 1000) + 900,
  mfaAuthenticatedAt: null,
  verified: false,
});
const limiter = (overrides: Partial<RateLimitSettings> = {}) =>
  new RateLimiter(new MemoryRateLimitStore(), { ...settings, ...overrides }, logger);

describe('the rate limiter', () => {
  it('gives each signed-in user a bucket of their own, whatever their address', async () => {
    const limits = limiter();
    for (let index = 0; index < 2; index += 1) expect(await limits.admitCaller(viewer('ana'), '198.51.100.1')).toBeUndefined();
    expect(await limits.admitCaller(viewer('ana'), '198.51.100.2')).toEqual({ scope: 'user', retryAfterSeconds: 2 });
    expect(await limits.admitCaller(viewer('bia'), '198.51.100.1')).toBeUndefined();
    // Anonymous callers from Ana's address are counted apart from her.
    expect(await limits.admitCaller(null, '198.51.100.1')).toBeUndefined();
  });

  it('counts anonymous callers by address, with a Retry-After of whole seconds', async () => {
    const limits = limiter();
    expect(await limits.admitCaller(null, '198.51.100.7')).toBeUndefined();
    expect(await limits.admitCaller(null, '198.51.100.7')).toEqual({ scope: 'address', retryAfterSeconds: 4 });
    expect(await limits.admitCaller(null, '198.51.100.8')).toBeUndefined();
  });

  it('counts every operation of a batch, and lets a batch larger than the bucket empty it rather than never pass', async () => {
    const limits = limiter();
    expect(await limits.admitCaller(viewer('carla'), 'x', 5)).toBeUndefined();
    expect(await limits.admitCaller(viewer('carla'), 'x', 1)).toMatchObject({ scope: 'user' });
  });

  it('limits a subgraph by its own rule, and others not at all without a default', async () => {
    const limits = limiter();
    expect(await limits.admitSubgraph('products')).toBeUndefined();
    expect(await limits.admitSubgraph('products')).toEqual({ scope: 'subgraph', retryAfterSeconds: 1 });
    for (let index = 0; index < 10; index += 1) expect(await limits.admitSubgraph('accounts')).toBeUndefined();
  });

  it('applies nothing when disabled, or for a rate of 0', async () => {
    const disabled = limiter({ enabled: false });
    const unlimited = limiter({ anonymous: { capacity: 1, refillPerSecond: 0 } });
    for (let index = 0; index < 5; index += 1) {
      expect(await disabled.admitCaller(null, 'a')).toBeUndefined();
      expect(await disabled.admitSubgraph('products')).toBeUndefined();
      expect(await unlimited.admitCaller(null, 'a')).toBeUndefined();
    }
  });

  it('lets requests through when the store fails', async () => {
    const broken = new RateLimiter({ take: () => Promise.reject(new Error('store down')), close: async () => {} }, settings, logger);
    expect(await broken.admitCaller(null, 'a')).toBeUndefined();
  });
});

describe('the client address', () => {
  const request = (remoteAddress: string, forwardedFor?: string) =>
    ({
      socket: { remoteAddress },
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    }) as unknown as IncomingMessage;

  it('is the socket’s peer, and X-Forwarded-For is ignored without trusted proxies', () => {
    expect(clientAddress(request('203.0.113.5', '198.51.100.1'), 0)).toBe('203.0.113.5');
  });

  it('is the entry the nearest trusted proxy added, so entries a client wrote itself do not count', () => {
    expect(clientAddress(request('10.0.0.2', 'spoofed-by-client, 198.51.100.1'), 1)).toBe('198.51.100.1');
    expect(clientAddress(request('10.0.0.2', '1.1.1.1, 198.51.100.1, 10.0.0.9'), 2)).toBe('198.51.100.1');
    expect(clientAddress(request('10.0.0.2', 'not-an-address'), 1)).toBe('10.0.0.2');
  });

  it('counts IPv4 clients on a dual-stack socket as IPv4, and IPv6 clients by their /64', () => {
    expect(clientAddress(request('::ffff:203.0.113.5'), 0)).toBe('203.0.113.5');
    expect(clientAddress(request('2001:db8:1:2:aaaa::1'), 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress(request('2001:db8:1:2:bbbb:cccc:dddd:eeee'), 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress(request('::1'), 0)).toBe('0:0:0:0::/64');
  });
});
