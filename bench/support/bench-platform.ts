// The whole supergraph for a benchmark: its own embedded PostgreSQL and Kafka
// broker, and users made the way the tests make them (no onboarding round trip).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../platform/src/embedded-postgres.js';
import { launchPlatform, type RunningPlatform } from '../../platform/src/launch.js';
import type { AccountsSubgraph } from '../../subgraphs/accounts/src/subgraph.js';
import { postGraphQL } from '../../test/support/graphql-client.js';
import { freePort } from '../../test/support/free-port.js';
import { startKafkaBroker } from '../../test/support/kafka-broker.js';
import { paulistaStore } from '../../test/support/stores.js';

export interface BenchPlatform {
  readonly platform: RunningPlatform;
  readonly graphqlUrl: string;
  /** Signs a new user in and returns the access token; suppliers and couriers come out verified. */
  userToken(role: 'CUSTOMER' | 'SUPPLIER' | 'COURIER', name?: string): Promise<string>;
  stop(): Promise<void>;
}

const PASSWORD = 'Str0ng-Passw0rd!';

export interface BenchPlatformOptions {
  /** Run on the in-memory event bus instead of a Kafka broker, for benchmarks that measure no event path. */
  withoutKafka?: boolean;
  /** Observes each subgraph's SQL (launchPlatform's onStatement), to count statements per call. */
  onStatement?: (subgraph: string, sql: string, backgroundWork: string | undefined) => void;
}

export async function startBenchPlatform(
  environment: Record<string, string> = {},
  options: BenchPlatformOptions = {},
): Promise<BenchPlatform> {
  const broker = options.withoutKafka ? undefined : await startKafkaBroker();
  const dataDirectory = mkdtempSync(join(tmpdir(), 'gasrapido-bench-pg-'));
  const postgres = await startEmbeddedPostgres({ dataDirectory, port: await freePort(), ephemeral: true });
  const platform = await launchPlatform({
    postgresServerUrl: postgres.serverUrl,
    // Benchmarks send faster than the default per-user rate limit allows: the limit is raised (not
    // turned off) so that they measure latency, not refusals.
    environment: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...(broker === undefined ? {} : { KAFKA_BROKERS: broker.bootstrap }),
      GATEWAY_RATE_LIMIT_USER_PER_SECOND: '10000',
      GATEWAY_RATE_LIMIT_USER_BURST: '10000',
      ...environment,
    },
    ...(options.onStatement ? { onStatement: options.onStatement } : {}),
  });
  const graphqlUrl = `${platform.gateway.url}/graphql`;
  const accounts = platform.subgraphs.get('accounts')!;
  let sequence = 0;
  return {
    platform,
    graphqlUrl,
    async userToken(role, name = 'Load Tester') {
      sequence += 1;
      const email = `bench-${role.toLowerCase()}-${sequence}-${Date.now()}@example.com`;
      const phone = `+55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
      const user = await (accounts.assembled as unknown as AccountsSubgraph).accounts.createAccount(
        { email, phone, name, password: PASSWORD },
        [role],
        {
          source: 'accounts',
          correlationId: 'bench-user',
        },
      );
      // Benchmarks are not about onboarding: suppliers and couriers start verified.
      if (role !== 'CUSTOMER') await accounts.database.pool.query('UPDATE users SET verified = true WHERE id = $1', [user.id]);
      const login = await postGraphQL<{ login: { accessToken?: string } }>(
        graphqlUrl,
        'mutation ($input: LoginInput!) { login(input: $input) { ... on Session { accessToken } } }',
        { variables: { input: { email, password: PASSWORD } } },
      );
      const token = login.data?.login.accessToken;
      if (token === undefined) throw new Error(`login failed: ${JSON.stringify(login.errors)}`);
      // Suppliers sell from a store (issue 17): an authorised one, open around the clock on Avenida Paulista.
      if (role === 'SUPPLIER') {
        await platform.subgraphs
          .get('products')!
          .database.pool.query(
            `INSERT INTO supplier_licences (supplier_id, authorization_number, valid_until) VALUES ($1, $2, '2099-12-31')`,
            [user.id, `ANP-${user.id.slice(0, 8)}`],
          );
        const store = await postGraphQL<{ saveStore: { id: string } }>(
          graphqlUrl,
          'mutation ($input: SaveStoreInput!) { saveStore(input: $input) { id } }',
          {
            token,
            variables: { input: paulistaStore },
          },
        );
        if (!store.data?.saveStore) throw new Error(`saveStore failed: ${JSON.stringify(store.errors)}`);
      }
      return token;
    },
    async stop() {
      await platform.stop();
      await postgres.stop();
      rmSync(dataDirectory, { recursive: true, force: true });
      await broker?.dispose();
    },
  };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
