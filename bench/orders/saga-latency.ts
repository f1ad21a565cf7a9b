// How long the order saga takes, through the gateway on a real Kafka broker:
// placeOrder → (products reserves stock, payments opens the payment) → payOrder
// with a card → (payment.processed) → the customer's orderStatusChanged message
// saying CONFIRMED. Orders run one after another, so the numbers are latencies,
// not queueing.
//
//   npx tsx bench/orders/saga-latency.ts [orders=200]
//
// Three clocks per order:
// - placed → payable: from sending placeOrder until payOrder is accepted (payments
//   has heard of the order; the bench retries payOrder every 5 ms until then);
// - paid → confirmed: from payOrder's response to the CONFIRMED message;
// - placed → confirmed: the whole saga as the customer sees it.
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { postGraphQL } from '../../test/support/graphql-client.js';
import { percentile, startBenchPlatform } from '../support/bench-platform.js';
import { ruaAugusta } from '../../test/support/delivery-address.js';

const orders = Number(process.argv[2] ?? 200);
const warmUp = 20;

const bench = await startBenchPlatform();
try {
  const { graphqlUrl } = bench;
  const supplier = await bench.userToken('SUPPLIER', 'Gás de Carga');
  const customer = await bench.userToken('CUSTOMER');
  // The bench's supplier has one store, accepting orders automatically: the clock below is the saga's.
  const stores = await postGraphQL<{ myStores: Array<{ id: string }> }>(graphqlUrl, '{ myStores { id } }', { token: supplier });
  const storeId = stores.data?.myStores[0]?.id;
  if (storeId === undefined) throw new Error(`myStores failed: ${JSON.stringify(stores.errors)}`);
  const created = await postGraphQL<{ createProduct: { id: string } }>(
    graphqlUrl,
    'mutation { createProduct(input: { name: "Botijão P13", cylinderType: P13, priceAmount: 11000, stockQuantity: 100000 }) { id } }',
    { token: supplier },
  );
  if (!created.data?.createProduct) throw new Error(`createProduct failed: ${JSON.stringify(created.errors)}`);
  const productId = created.data.createProduct.id;

  const confirmedAt = new Map<string, number>();
  let waiting: { orderId: string; resolve: () => void } | undefined;
  const client = createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${customer}` },
  });
  await new Promise<void>((resolve) => {
    client.subscribe(
      { query: 'subscription { orderStatusChanged { id status } }' },
      {
        next: (message) => {
          const order = (message.data as { orderStatusChanged: { id: string; status: string } } | null)?.orderStatusChanged;
          if (order?.status !== 'CONFIRMED') return;
          confirmedAt.set(order.id, performance.now());
          if (waiting?.orderId === order.id) waiting.resolve();
        },
        error: (error) => console.error('subscription error', error),
        complete: () => {},
      },
    );
    client.on('connected', () => setTimeout(resolve, 500));
  });

  const placeOrder = () =>
    postGraphQL<{ placeOrder: { id: string } }>(graphqlUrl, 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', {
      token: customer,
      variables: { input: { storeId, items: [{ productId, quantity: 1 }], deliveryAddress: ruaAugusta, paymentMethod: 'CARD' } },
    });
  // The orders catalog hears of the store and the product by event.
  for (let attempt = 0; (await placeOrder()).errors !== undefined; attempt += 1) {
    if (attempt > 2000) throw new Error('the store or the product never reached orders');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  const payable: number[] = [];
  const paidToConfirmed: number[] = [];
  const whole: number[] = [];
  for (let index = 0; index < warmUp + orders; index += 1) {
    const sentAt = performance.now();
    const placed = await placeOrder();
    const orderId = placed.data?.placeOrder.id;
    if (orderId === undefined) throw new Error(`placeOrder failed: ${JSON.stringify(placed.errors)}`);
    const confirmed = new Promise<void>((resolve) => {
      waiting = { orderId, resolve };
    });
    const key = randomUUID();
    let paidAt: number;
    for (;;) {
      const paid = await postGraphQL<{ payOrder: { status: string } }>(
        graphqlUrl,
        'mutation ($input: PayOrderInput!) { payOrder(input: $input) { status } }',
        {
          token: customer,
          variables: { input: { orderId, idempotencyKey: key, card: { token: 'tok_success' } } },
        },
      );
      if (paid.data?.payOrder.status === 'PAID') {
        paidAt = performance.now();
        break;
      }
      if (paid.errors?.[0]?.extensions?.['code'] !== 'NOT_FOUND')
        throw new Error(`payOrder failed: ${JSON.stringify(paid.errors ?? paid.data)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const timeout = new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error(`order ${orderId} not confirmed within 60 s`)), 60_000),
    );
    if (!confirmedAt.has(orderId)) await Promise.race([confirmed, timeout]);
    const at = confirmedAt.get(orderId)!;
    if (index >= warmUp) {
      payable.push(paidAt - sentAt);
      paidToConfirmed.push(at - paidAt);
      whole.push(at - sentAt);
    }
  }
  await client.dispose();

  const row = (label: string, values: number[]) =>
    `| ${label} | ${values.length} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 90).toFixed(1)} | ${percentile(values, 99).toFixed(1)} | ${Math.max(...values).toFixed(1)} |`;
  process.stdout.write(`\norder saga latency, ${orders} orders after ${warmUp} warm-up, real Kafka broker (ms)\n\n`);
  process.stdout.write('| clock | orders | p50 | p90 | p99 | max |\n| --- | --- | --- | --- | --- | --- |\n');
  process.stdout.write(
    `${row('placed → payable (payOrder accepted and captured)', payable)}\n${row('paid → CONFIRMED message', paidToConfirmed)}\n${row('placed → CONFIRMED message', whole)}\n`,
  );
} finally {
  await bench.stop();
}
