import { describe, expect, it } from 'vitest';
import { ConfigError } from '#kit';
import { parseGatewaySettings } from '../../gateway/src/config.js';
import { parseAccountsSettings } from '../../subgraphs/accounts/src/config.js';

const accountsBase = { ACCOUNTS_DATABASE_URL: 'postgresql://localhost/accounts' };
const productionSecrets = {
  GATEWAY_SHARED_SECRET: 'Zq4uN1xR8vKb2Tj7Wm5Lc9Hs3Ey6Pd0G',
  SIGNING_KEY_ENCRYPTION_SECRET: 'p7Gk2Vw9Qx4Rz1Nm8Jt5Lb3Hc6Fy0DsA',
  KAFKA_BROKERS: 'kafka:9092',
};

describe('accounts settings', () => {
  it('refuses a key activation delay that does not exceed the verifiers’ JWKS refresh interval', () => {
    expect(() => parseAccountsSettings({ ...accountsBase, SIGNING_KEY_ACTIVATION_SECONDS: '30' })).toThrow(ConfigError);
    expect(() => parseAccountsSettings({ ...accountsBase, SIGNING_KEY_ACTIVATION_SECONDS: '31' })).not.toThrow();
  });

  it('requires its database URL and, in production, real secrets, reporting all of them at once', () => {
    try {
      parseAccountsSettings({ NODE_ENV: 'production' });
      expect.unreachable('parsing should have failed');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/ACCOUNTS_DATABASE_URL/);
      expect(problems).toMatch(/GATEWAY_SHARED_SECRET/);
      expect(problems).toMatch(/SIGNING_KEY_ENCRYPTION_SECRET/);
      expect(problems).toMatch(/KAFKA_BROKERS: must be set when NODE_ENV=production/);
    }
  });
});

describe('gateway settings', () => {
  it('turn Sandbox and introspection off in production unless configured on', () => {
    const production = parseGatewaySettings({ NODE_ENV: 'production', ...productionSecrets });
    expect([production.introspection, production.landingPage]).toEqual([false, false]);
    const enabled = parseGatewaySettings({
      NODE_ENV: 'production',
      ...productionSecrets,
      GATEWAY_INTROSPECTION: 'true',
      GATEWAY_LANDING_PAGE: 'yes',
    });
    expect([enabled.introspection, enabled.landingPage]).toEqual([true, true]);
    const development = parseGatewaySettings({});
    expect([development.introspection, development.landingPage]).toEqual([true, true]);
  });

  it('reads subgraph URL overrides and refuses malformed ones together with other problems', () => {
    expect(parseGatewaySettings({ SUBGRAPH_ACCOUNTS_URL: 'http://accounts:4001/graphql' }).subgraphUrls).toEqual({
      accounts: 'http://accounts:4001/graphql',
    });
    try {
      parseGatewaySettings({ SUBGRAPH_PRODUCTS_URL: 'not a url', GATEWAY_PORT: 'abc' });
      expect.unreachable('parsing should have failed');
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/SUBGRAPH_PRODUCTS_URL/);
      expect(problems).toMatch(/GATEWAY_PORT/);
    }
  });
});
