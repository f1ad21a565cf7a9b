import { describe, expect, it } from 'vitest';
import type { ConfigError } from '#kit';
import { parseGatewaySettings } from '../src/config.js';

const productionSecrets = { GATEWAY_SHARED_SECRET: 'Zq4uN1xR8vKb2Tj7Wm5Lc9Hs3Ey6Pd0G', KAFKA_BROKERS: 'kafka:9092' };

describe('gateway protection settings', () => {
  it('have defaults that protect without getting in an ordinary client’s way', () => {
    const { protection, resilience } = parseGatewaySettings({});
    expect(protection.rateLimits).toMatchObject({
      enabled: true,
      user: { refillPerSecond: 20, capacity: 100 },
      anonymous: { refillPerSecond: 50, capacity: 200 },
      subgraphDefault: undefined,
      trustedProxyHops: 0,
      redisUrl: undefined,
    });
    expect(protection.operationLimits).toEqual({ maxDepth: 10, maxAliases: 15, maxRootFields: 10, maxTokens: 2_000, maxCost: 5_000 });
    expect([protection.allowBatching, protection.persistedQueries, protection.responseCache, protection.safelistPath]).toEqual([
      false,
      true,
      true,
      undefined,
    ]);
    expect(resilience).toMatchObject({
      retries: 2,
      subgraphTimeouts: {},
      circuit: { failureThreshold: 5, coolDownMs: 5_000, halfOpenProbes: 1 },
    });
  });

  it('hide field suggestions in production unless configured on', () => {
    expect(parseGatewaySettings({}).protection.fieldSuggestions).toBe(true);
    expect(parseGatewaySettings({ NODE_ENV: 'production', ...productionSecrets }).protection.fieldSuggestions).toBe(false);
    expect(
      parseGatewaySettings({ NODE_ENV: 'production', ...productionSecrets, GATEWAY_FIELD_SUGGESTIONS: 'true' }).protection.fieldSuggestions,
    ).toBe(true);
  });

  it('read per-subgraph timeouts and rate limits next to the URL, with a burst of two seconds by default', () => {
    const settings = parseGatewaySettings({
      SUBGRAPH_TIMEOUT_MS: '8000',
      SUBGRAPH_ACCOUNTS_TIMEOUT_MS: '2000',
      SUBGRAPH_ORDER_ITEMS_URL: 'http://orders:4003/graphql',
      SUBGRAPH_ORDER_ITEMS_TIMEOUT_MS: '500',
      SUBGRAPH_PRODUCTS_RATE_LIMIT_PER_SECOND: '100',
      SUBGRAPH_ACCOUNTS_RATE_LIMIT_PER_SECOND: '10',
      SUBGRAPH_ACCOUNTS_RATE_LIMIT_BURST: '15',
      GATEWAY_RATE_LIMIT_SUBGRAPH_PER_SECOND: '1000',
    });
    expect(settings.subgraphTimeoutMs).toBe(8_000);
    expect(settings.resilience.subgraphTimeouts).toEqual({ accounts: 2_000, order_items: 500 });
    expect(settings.subgraphUrls).toEqual({ order_items: 'http://orders:4003/graphql' });
    expect(settings.protection.rateLimits.subgraphs).toEqual({
      products: { refillPerSecond: 100, capacity: 200 },
      accounts: { refillPerSecond: 10, capacity: 15 },
    });
    expect(settings.protection.rateLimits.subgraphDefault).toEqual({ refillPerSecond: 1_000, capacity: 2_000 });
  });

  it('report every malformed setting at once', () => {
    try {
      parseGatewaySettings({
        SUBGRAPH_ACCOUNTS_TIMEOUT_MS: '10',
        SUBGRAPH_PRODUCTS_RATE_LIMIT_BURST: '5',
        GATEWAY_MAX_DEPTH: '0',
        REDIS_URL: 'http://cache:6379',
        CIRCUIT_FAILURE_RATE: '2',
        SUBGRAPH_RETRY_BASE_DELAY_MS: '500',
        SUBGRAPH_RETRY_MAX_DELAY_MS: '100',
      });
      expect.unreachable('parsing should have failed');
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of [
        'SUBGRAPH_ACCOUNTS_TIMEOUT_MS',
        'SUBGRAPH_PRODUCTS_RATE_LIMIT_BURST',
        'GATEWAY_MAX_DEPTH',
        'REDIS_URL',
        'CIRCUIT_FAILURE_RATE',
      ]) {
        expect(problems).toMatch(name);
      }
    }
    expect(() => parseGatewaySettings({ SUBGRAPH_RETRY_BASE_DELAY_MS: '500', SUBGRAPH_RETRY_MAX_DELAY_MS: '100' })).toThrow(
      /SUBGRAPH_RETRY_MAX_DELAY_MS/,
    );
  });
});

describe('gateway cross-origin settings', () => {
  const problemsOf = (environment: Record<string, string>): string => {
    try {
      parseGatewaySettings(environment);
    } catch (error) {
      return (error as ConfigError).problems.join('\n');
    }
    throw new Error('expected the settings to be refused');
  };

  it('let any origin call the gateway outside production, and none in production unless listed', () => {
    expect(parseGatewaySettings({}).crossOrigin).toEqual({ origins: '*', credentials: false });
    expect(parseGatewaySettings({ NODE_ENV: 'test' }).crossOrigin.origins).toBe('*');
    const production = parseGatewaySettings({ NODE_ENV: 'production', ...productionSecrets }).crossOrigin;
    expect(production.origins).toEqual(new Set());
    expect(production.credentials).toBe(false);
  });

  it('read a list of exact origins, with credentials only when switched on', () => {
    const { crossOrigin } = parseGatewaySettings({
      NODE_ENV: 'production',
      ...productionSecrets,
      GATEWAY_CORS_ORIGINS: 'https://app.gasrapido.com.br, https://admin.gasrapido.com.br,http://localhost:5173',
      GATEWAY_CORS_CREDENTIALS: 'true',
    });
    expect(crossOrigin.origins).toEqual(
      new Set(['https://app.gasrapido.com.br', 'https://admin.gasrapido.com.br', 'http://localhost:5173']),
    );
    expect(crossOrigin.credentials).toBe(true);
  });

  it.each([
    ['a trailing slash', 'https://app.gasrapido.com.br/'],
    ['a path', 'https://app.gasrapido.com.br/app'],
    ['no scheme', 'app.gasrapido.com.br'],
    ['another scheme', 'ftp://app.gasrapido.com.br'],
    ['upper case', 'https://App.GasRapido.com.br'],
    ['a wildcard among origins', 'https://app.gasrapido.com.br,*'],
  ])('refuse an origin with %s at start, naming it', (_what, value) => {
    expect(problemsOf({ GATEWAY_CORS_ORIGINS: value })).toMatch(/^GATEWAY_CORS_ORIGINS: /);
  });

  it('refuse any origin with credentials in production, and allow it elsewhere', () => {
    expect(
      problemsOf({ NODE_ENV: 'production', ...productionSecrets, GATEWAY_CORS_ORIGINS: '*', GATEWAY_CORS_CREDENTIALS: 'true' }),
    ).toMatch(/GATEWAY_CORS_CREDENTIALS/);
    expect(parseGatewaySettings({ GATEWAY_CORS_ORIGINS: '*', GATEWAY_CORS_CREDENTIALS: 'true' }).crossOrigin).toEqual({
      origins: '*',
      credentials: true,
    });
  });
});
