import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { launchPlatform, type RunningPlatform } from '../../platform/src/launch.js';
import { postGraphQL, type GraphQLExchange, type RequestOptions } from './graphql-client.js';

export const TEST_GATEWAY_SECRET = 'test-gateway-secret-0123456789-qwXZ';

export interface TestPlatform {
  readonly platform: RunningPlatform;
  readonly gatewayUrl: string;
  subgraphUrl(name: string): string;
  /** Sends an operation through the gateway. */
  query<Data = Record<string, any>>(query: string, options?: RequestOptions): Promise<GraphQLExchange<Data>>;
  /** SQL statements each subgraph has sent for requests since the last reset (background work's excluded). */
  readonly statements: Map<string, string[]>;
  /** Every log line written, parsed. */
  readonly logLines: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * The whole supergraph on ephemeral ports, with databases of its own on the
 * suite's PostgreSQL server and its events on the suite's real Kafka broker
 * (pass KAFKA_BROKERS to use another). Call stop() in afterAll.
 */
export async function startTestPlatform(environment: Record<string, string> = {}): Promise<TestPlatform> {
  const statements = new Map<string, string[]>();
  const logLines: Array<Record<string, unknown>> = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim().length > 0) logLines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const platform = await launchPlatform({
    postgresServerUrl: inject('postgresServerUrl'),
    databasePrefix: `t${randomBytes(5).toString('hex')}`,
    environment: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      // Platforms share the suite's broker; their own topics and groups keep them apart.
      KAFKA_NAMESPACE: `${randomBytes(4).toString('hex')}.`,
      // Jobs polling every second or two, in every platform the suite starts, are load and
      // nondeterminism no test asked for; tests about these jobs set them short.
      ANALYTICS_REPORT_SWEEP_MS: '600000',
      ALERTS_EVALUATION_INTERVAL_MS: '600000',
      NOTIFICATIONS_DELIVERY_SWEEP_MS: '600000',
      COURIERS_ASSIGNMENT_SWEEP_MS: '600000',
      ...environment,
    },
    onStatement: (subgraph, sql, backgroundWork) => {
      // Jobs, consumers and the outbox relay run beside requests; tests count what requests cause.
      if (backgroundWork !== undefined) return;
      const list = statements.get(subgraph) ?? [];
      list.push(sql);
      statements.set(subgraph, list);
    },
    logDestination,
  });
  const gatewayUrl = `${platform.gateway.url}/graphql`;
  return {
    platform,
    gatewayUrl,
    subgraphUrl: (name) => `${platform.subgraphs.get(name)?.url ?? 'http://missing'}/graphql`,
    query: (query, options) => postGraphQL(gatewayUrl, query, options),
    statements,
    logLines,
    stop: () => platform.stop(),
  };
}
