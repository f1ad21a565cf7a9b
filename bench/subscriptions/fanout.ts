// Subscription fan-out: N graphql-ws connections through the gateway, each a
// different signed-in customer subscribed to productUpdated for one product; the
// supplier changes the price and every subscriber must receive it. N steps up
// until delivery breaks.
//
//   bash bench/subscriptions/fanout.sh [steps=100,250,500,1000,2000,5000,10000] [events=12]
//
// (the script raises `ulimit -n`, then runs this file). The whole path is real:
// products' transaction and outbox, Kafka, the gateway's fan-out, one payload
// query per subscriber through the supergraph as that subscriber (products, then
// accounts for the supplier's name), graphql-ws. The subscribers run in a child
// process (fanout-clients.ts). Connections are added step by step and kept.
//
// Per step: latency from the mutation's response (after its commit) to each
// subscriber's message, p50/p99 over every message of the step's events (the
// first two events of a step are warm-up); messages per second while one event
// fans out; memory of the gateway's process per connection. A step "holds" when
// every message arrived and p99 < 250 ms; stepping stops at the first step whose
// p99 is over 5 s or that lost messages.
import { fork } from 'node:child_process';
import { postGraphQL } from '../../test/support/graphql-client.js';
import type { AccountsSubgraph } from '../../subgraphs/accounts/src/subgraph.js';
import { percentile, startBenchPlatform } from '../support/bench-platform.js';

const steps = (process.argv[2] ?? '100,250,500,1000,2000,5000,10000').split(',').map(Number);
const eventsPerStep = Number(process.argv[3] ?? 12);
const warmUpEvents = 2;
const holdP99Ms = 250;
const giveUpP99Ms = 5_000;
const messageTimeoutMs = 60_000;

const gc = (globalThis as { gc?: () => void }).gc;
function memory(): { rss: number; heap: number } {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
}

const bench = await startBenchPlatform({ ACCESS_TOKEN_TTL_SECONDS: '7200', SUBSCRIPTION_INIT_TIMEOUT_MS: '60000' });
const clients = fork(new URL('./fanout-clients.ts', import.meta.url).pathname, {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ask = <T>(message: object) =>
  new Promise<T>((resolve) => {
    clients.once('message', (answer) => resolve(answer as T));
    clients.send(message);
  });

try {
  const { graphqlUrl } = bench;
  const accounts = bench.platform.subgraphs.get('accounts')!.assembled as unknown as AccountsSubgraph;
  const supplier = await bench.userToken('SUPPLIER');
  const created = await postGraphQL(
    graphqlUrl,
    `mutation { createProduct(input: { name: "Botijão P13 fan-out", cylinderType: P13, priceAmount: 10000, stockQuantity: 10 }) { id } }`,
    { token: supplier },
  );
  const productId = (created.data as { createProduct: { id: string } }).createProduct.id;
  const query = 'subscription ($id: ID!) { productUpdated(productId: $id) { id price { amount } supplier { name } } }';
  const idle = memory();
  let price = 10_000;
  let open = 0;
  const rows: string[] = [];
  let held: number | undefined;
  let broke: string | undefined;

  for (const target of steps) {
    const tokens: string[] = [];
    for (let index = open; index < target; index += 1) {
      const issued = await accounts.accessTokens.issue(
        { id: crypto.randomUUID(), roles: ['CUSTOMER'], verified: true },
        { amr: ['pwd'], authTime: new Date() },
      );
      tokens.push(issued.token);
    }
    const openedAt = performance.now();
    const opened = await ask<{ opened: number; failed: number }>({
      command: 'open',
      url: graphqlUrl.replace(/^http/, 'ws'),
      tokens,
      query,
      productId,
    });
    const openSeconds = (performance.now() - openedAt) / 1000;
    open = opened.opened;
    await new Promise((resolve) => setTimeout(resolve, 2_000 + open / 10));
    const withConnections = memory();

    const latencies: number[] = [];
    const ratePerEvent: number[] = [];
    let lost = 0;
    for (let event = 0; event < warmUpEvents + eventsPerStep; event += 1) {
      price += 1;
      const arrivals = ask<{ arrivals: Array<number | null> }>({ command: 'expect', price, timeoutMs: messageTimeoutMs });
      const mutation = await postGraphQL(
        graphqlUrl,
        'mutation ($id: ID!, $p: Int!) { updateProduct(id: $id, input: { priceAmount: $p }) { id } }',
        {
          token: supplier,
          variables: { id: productId, p: price },
        },
      );
      if (mutation.errors !== undefined) throw new Error(`mutation failed: ${JSON.stringify(mutation.errors)}`);
      const committedAt = performance.timeOrigin + performance.now();
      const { arrivals: times } = await arrivals;
      if (event < warmUpEvents) continue;
      const arrived = times.filter((time): time is number => time !== null);
      lost += times.length - arrived.length;
      for (const time of arrived) latencies.push(time - committedAt);
      if (arrived.length > 0) ratePerEvent.push(arrived.length / (Math.max(1, Math.max(...arrived) - committedAt) / 1000));
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const perConnection = (now: number, before: number) => ((now - before) / Math.max(1, open) / 1024).toFixed(1);
    const row = `| ${open} | ${opened.failed} | ${openSeconds.toFixed(1)} | ${eventsPerStep} | ${latencies.length} | ${lost} | ${p50.toFixed(0)} | ${p99.toFixed(0)} | ${Math.max(...latencies).toFixed(0)} | ${percentile(ratePerEvent, 50).toFixed(0)} | ${perConnection(withConnections.rss, idle.rss)} | ${perConnection(withConnections.heap, idle.heap)} |`;
    rows.push(row);
    process.stderr.write(`${row}\n`);
    if (lost === 0 && opened.failed === 0 && p99 < holdP99Ms) held = open;
    if (lost > 0 || opened.failed > 0 || p99 > giveUpP99Ms) {
      broke = `${open} connections: ${lost} messages lost, ${opened.failed} connections refused, p99 ${p99.toFixed(0)} ms`;
      break;
    }
  }

  process.stdout.write(
    `\nsubscription fan-out: ${eventsPerStep} events per step after ${warmUpEvents} warm-up; latency from the mutation's response (after commit) to each message, ms\n\n` +
      '| connections | refused | open s | events | messages | lost | p50 | p99 | max | messages/s (one event fanning out, median) | RSS KiB / connection | heap KiB / connection |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' +
      `${rows.join('\n')}\n\nlargest count held with p99 < ${holdP99Ms} ms and nothing lost: ${held ?? 'none'}; ${broke === undefined ? 'did not break within the steps' : `stopped at ${broke}`}\n`,
  );
  await ask({ command: 'close' });
} finally {
  clients.kill();
  await bench.stop();
}
