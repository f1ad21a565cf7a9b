// Latency from a mutation's commit to the subscriber's message, through the
// whole path: products' transaction writes the outbox row, NOTIFY wakes the
// relay, Kafka carries product.updated, the gateway's fan-out matches it,
// loads the payload through the supergraph as the subscriber (products and
// accounts), and graphql-ws delivers it.
//
//   npx tsx bench/subscriptions/commit-latency.ts [events=1000]
//
// Runs its own embedded PostgreSQL and Kafka broker (scripts/kafka/kafka.sh).
// Mutations are sent one after another and each waits for its message, so the
// numbers are latencies, not queueing. Two clocks are reported:
// - after commit: from the mutation's HTTP response (sent after its commit) to the message;
//   the message can arrive first, so this slightly under-states;
// - end to end: from sending the mutation to the message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startEmbeddedPostgres } from '../../platform/src/embedded-postgres.js';
import { launchPlatform } from '../../platform/src/launch.js';
import { postGraphQL } from '../../test/support/graphql-client.js';
import { freePort } from '../../test/support/free-port.js';
import { startKafkaBroker } from '../../test/support/kafka-broker.js';

const events = Number(process.argv[2] ?? 1000);
const warmUp = 50;

const broker = await startKafkaBroker();
const dataDirectory = mkdtempSync(join(tmpdir(), 'gasrapido-bench-pg-'));
const postgres = await startEmbeddedPostgres({ dataDirectory, port: await freePort(), ephemeral: true });
const platform = await launchPlatform({
  postgresServerUrl: postgres.serverUrl,
  // One supplier sends every mutation, faster than the default per-user rate limit allows:
  // the limit is raised (not turned off) so that it measures latency, not refusals.
  environment: { NODE_ENV: 'test', LOG_LEVEL: 'warn', KAFKA_BROKERS: broker.bootstrap, GATEWAY_RATE_LIMIT_USER_PER_SECOND: '10000', GATEWAY_RATE_LIMIT_USER_BURST: '10000' },
});

try {
  const graphqlUrl = `${platform.gateway.url}/graphql`;
  const session = async (role: string, email: string) => {
    const result = await postGraphQL(
      graphqlUrl,
      `mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }`,
      { variables: { input: { email, phone: `+55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, name: 'Load Tester', password: 'Str0ng-Passw0rd!', role } } },
    );
    return (result.data as { register: { accessToken: string } }).register.accessToken;
  };
  const supplier = await session('SUPPLIER', 'bench-supplier@example.com');
  const customer = await session('CUSTOMER', 'bench-customer@example.com');
  const created = await postGraphQL(
    graphqlUrl,
    `mutation { createProduct(input: { name: "Botijão P13 bench", cylinderType: P13, priceAmount: 10000, stockQuantity: 10 }) { id } }`,
    { token: supplier },
  );
  const productId = (created.data as { createProduct: { id: string } }).createProduct.id;

  const client = createClient({ url: graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${customer}` } });
  const arrivals = new Map<number, number>();
  let waiting: { price: number; resolve: () => void } | undefined;
  const subscribed = new Promise<void>((resolve) => {
    client.subscribe(
      { query: `subscription ($id: ID!) { productUpdated(productId: $id) { id price { amount } supplier { name } } }`, variables: { id: productId } },
      {
        next: (message) => {
          const price = (message.data as { productUpdated: { price: { amount: number } } } | null)?.productUpdated.price.amount;
          if (price === undefined) return;
          arrivals.set(price, performance.now());
          if (waiting?.price === price) waiting.resolve();
        },
        error: (error) => console.error('subscription error', error),
        complete: () => {},
      },
    );
    client.on('connected', () => setTimeout(resolve, 500));
  });
  await subscribed;

  const afterCommit: number[] = [];
  const endToEnd: number[] = [];
  for (let index = 1; index <= warmUp + events; index += 1) {
    const price = 10_000 + index;
    const arrived = new Promise<void>((resolve) => {
      waiting = { price, resolve };
    });
    const sentAt = performance.now();
    const mutation = await postGraphQL(graphqlUrl, `mutation ($id: ID!, $p: Int!) { updateProduct(id: $id, input: { priceAmount: $p }) { id } }`, {
      token: supplier,
      variables: { id: productId, p: price },
    });
    if (mutation.errors !== undefined) throw new Error(`mutation ${index} failed: ${JSON.stringify(mutation.errors)}`);
    const committedAt = performance.now();
    const timeout = new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`no message for price ${price} within 60 s`)), 60_000));
    if (!arrivals.has(price)) await Promise.race([arrived, timeout]);
    const at = arrivals.get(price)!;
    if (index > warmUp) {
      afterCommit.push(at - committedAt);
      endToEnd.push(at - sentAt);
    }
  }
  await client.dispose();

  const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  };
  const row = (label: string, values: number[]) =>
    `| ${label} | ${values.length} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 90).toFixed(1)} | ${percentile(values, 99).toFixed(1)} | ${Math.max(...values).toFixed(1)} |`;
  process.stdout.write(`\ncommit-to-subscriber latency, ${events} events after ${warmUp} warm-up, real Kafka broker (ms)\n\n`);
  process.stdout.write('| clock | events | p50 | p90 | p99 | max |\n| --- | --- | --- | --- | --- | --- |\n');
  process.stdout.write(`${row('after commit (mutation response → message)', afterCommit)}\n${row('end to end (mutation sent → message)', endToEnd)}\n`);
} finally {
  await platform.stop();
  await postgres.stop();
  rmSync(dataDirectory, { recursive: true, force: true });
  await broker.dispose();
}
