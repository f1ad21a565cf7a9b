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
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { postGraphQL } from '../../test/support/graphql-client.js';
import { percentile, startBenchPlatform } from '../support/bench-platform.js';

const events = Number(process.argv[2] ?? 1000);
const warmUp = 50;

const bench = await startBenchPlatform();

try {
  const { graphqlUrl } = bench;
  const supplier = await bench.userToken('SUPPLIER');
  const customer = await bench.userToken('CUSTOMER');
  const created = await postGraphQL(
    graphqlUrl,
    `mutation { createProduct(input: { name: "Botijão P13 bench", cylinderType: P13, priceAmount: 10000, stockQuantity: 10 }) { id } }`,
    { token: supplier },
  );
  const productId = (created.data as { createProduct: { id: string } }).createProduct.id;

  const client = createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${customer}` },
  });
  const arrivals = new Map<number, number>();
  let waiting: { price: number; resolve: () => void } | undefined;
  const subscribed = new Promise<void>((resolve) => {
    client.subscribe(
      {
        query: `subscription ($id: ID!) { productUpdated(productId: $id) { id price { amount } supplier { name } } }`,
        variables: { id: productId },
      },
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
    const mutation = await postGraphQL(
      graphqlUrl,
      `mutation ($id: ID!, $p: Int!) { updateProduct(id: $id, input: { priceAmount: $p }) { id } }`,
      {
        token: supplier,
        variables: { id: productId, p: price },
      },
    );
    if (mutation.errors !== undefined) throw new Error(`mutation ${index} failed: ${JSON.stringify(mutation.errors)}`);
    const committedAt = performance.now();
    const timeout = new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error(`no message for price ${price} within 60 s`)), 60_000),
    );
    if (!arrivals.has(price)) await Promise.race([arrived, timeout]);
    const at = arrivals.get(price)!;
    if (index > warmUp) {
      afterCommit.push(at - committedAt);
      endToEnd.push(at - sentAt);
    }
  }
  await client.dispose();

  const row = (label: string, values: number[]) =>
    `| ${label} | ${values.length} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 90).toFixed(1)} | ${percentile(values, 99).toFixed(1)} | ${Math.max(...values).toFixed(1)} |`;
  process.stdout.write(`\ncommit-to-subscriber latency, ${events} events after ${warmUp} warm-up, real Kafka broker (ms)\n\n`);
  process.stdout.write('| clock | events | p50 | p90 | p99 | max |\n| --- | --- | --- | --- | --- | --- |\n');
  process.stdout.write(
    `${row('after commit (mutation response → message)', afterCommit)}\n${row('end to end (mutation sent → message)', endToEnd)}\n`,
  );
} finally {
  await bench.stop();
}
