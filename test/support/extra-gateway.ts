import { inject } from 'vitest';
import { createLogger } from '#kit';
import { parseGatewaySettings } from '../../gateway/src/config.js';
import { startGateway, type RunningGateway } from '../../gateway/src/server.js';
import { TEST_GATEWAY_SECRET, type TestPlatform } from './platform.js';

export interface ExtraGatewayOptions {
  /** Feed it the platform's events, so it serves subscriptions too. */
  withEvents?: boolean;
  logService?: string;
}

/**
 * Another gateway in front of a test platform's subgraphs, configured by the
 * given variables: for settings the platform's own gateway does not have, or
 * for several instances. The caller stops it.
 */
export function startExtraGateway(
  test: TestPlatform,
  environment: Record<string, string> = {},
  options: ExtraGatewayOptions = {},
): Promise<RunningGateway> {
  const accounts = test.platform.subgraphs.get('accounts')!;
  const products = test.platform.subgraphs.get('products')!;
  return startGateway(
    parseGatewaySettings({
      NODE_ENV: 'test',
      GATEWAY_PORT: '0',
      GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
      ACCOUNTS_JWKS_URL: `${accounts.url}/.well-known/jwks.json`,
      SUBGRAPH_ACCOUNTS_URL: `${accounts.url}/graphql`,
      SUBGRAPH_PRODUCTS_URL: `${products.url}/graphql`,
      // Named because production requires a broker; the bus itself is the platform's (withEvents).
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      ...environment,
    }),
    {
      logger: createLogger({ service: options.logService ?? 'gateway-under-test', level: 'silent' }),
      ...(options.withEvents ? { eventBus: test.platform.eventBus } : {}),
    },
  );
}
