// How fast a courier's position reaches the customer's map: updateCourierLocation stores the
// latest position and writes courier.location.updated to the outbox in one transaction, the
// relay publishes it to Kafka, the gateway's fan-out matches the customer's courierLocation
// subscription, loads the payload through couriers as the customer, and graphql-ws delivers it.
//
//   npx tsx bench/couriers/location-latency.ts [updates=500]
//
// Runs its own embedded PostgreSQL and Kafka broker. The per-courier rate limit is set to 0 ms
// for the run (it is a product rule, not a cost being measured): updates are sent one after
// another and each waits for its message, so the numbers are latencies, not queueing.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { postGraphQL } from '../../test/support/graphql-client.js';
import { percentile, startBenchPlatform } from '../support/bench-platform.js';
import { ruaAugusta } from '../../test/support/delivery-address.js';

const updates = Number(process.argv[2] ?? 500);
const warmUp = 30;

const bench = await startBenchPlatform({ COURIERS_LOCATION_MIN_INTERVAL_MS: '0', COURIERS_ASSIGNMENT_SWEEP_MS: '200' });

async function call<Data>(query: string, token: string, variables: Record<string, unknown> = {}): Promise<Data> {
  const result = await postGraphQL<Data>(bench.graphqlUrl, query, { token, variables });
  if (result.errors !== undefined || result.data === undefined || result.data === null) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

async function until<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

try {
  const [supplier, customer, courier] = await Promise.all([
    bench.userToken('SUPPLIER'),
    bench.userToken('CUSTOMER'),
    bench.userToken('COURIER'),
  ]);
  await call('mutation ($input: CourierProfileInput!) { saveCourierProfile(input: $input) { id } }', courier, {
    input: {
      vehicleType: 'MOTORCYCLE',
      vehiclePlate: 'ABC1D23',
      capacity: [{ cylinderType: 'P13', quantity: 2 }],
      serviceArea: { latitude: -23.5505, longitude: -46.6333, radiusKm: 20 },
    },
  });
  await call('mutation { setCourierAvailability(availability: ONLINE) { availability } }', courier);
  const { createProduct } = await call<{ createProduct: { id: string } }>(
    'mutation { createProduct(input: { name: "Botijão P13 bench", cylinderType: P13, saleType: FULL_WITH_CYLINDER, priceAmount: 11500, stockQuantity: 10 }) { id } }',
    supplier,
  );
  const { myStores } = await call<{ myStores: Array<{ id: string }> }>('{ myStores { id } }', supplier);
  const storeId = myStores[0]!.id;
  const orderId = await until('the order', async () => {
    const placed = await postGraphQL<{ placeOrder: { id: string } }>(
      bench.graphqlUrl,
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
      {
        token: customer,
        variables: {
          input: {
            storeId,
            items: [{ productId: createProduct.id, quantity: 1 }],
            deliveryAddress: ruaAugusta,
            paymentMethod: 'CASH_ON_DELIVERY',
          },
        },
      },
    );
    return placed.data?.placeOrder.id;
  });
  const offerId = await until('the offer', async () => {
    const { myDeliveryOffers } = await call<{ myDeliveryOffers: Array<{ id: string; order: { id: string } }> }>(
      '{ myDeliveryOffers { id order { id } } }',
      courier,
    );
    return myDeliveryOffers.find((offer) => offer.order.id === orderId)?.id;
  });
  await call('mutation ($offerId: ID!) { acceptDeliveryOffer(offerId: $offerId) { status } }', courier, { offerId });
  await call('mutation ($orderId: ID!) { pickUpOrder(orderId: $orderId) { status } }', courier, { orderId });

  const client = createClient({
    url: bench.graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${customer}` },
  });
  const arrivals = new Map<string, number>();
  let failedMessages = 0;
  let missing = 0;
  let waiting: { key: string; resolve: () => void } | undefined;
  const keyOf = (latitude: number) => latitude.toFixed(7);
  await new Promise<void>((resolve) => {
    client.subscribe(
      { query: 'subscription ($orderId: ID!) { courierLocation(orderId: $orderId) { latitude longitude } }', variables: { orderId } },
      {
        next: (message) => {
          if (message.errors !== undefined) {
            failedMessages += 1;
            console.error('subscription message with errors', JSON.stringify(message.errors));
          }
          const latitude = (message.data as { courierLocation: { latitude: number } } | null)?.courierLocation.latitude;
          if (latitude === undefined) return;
          const key = keyOf(latitude);
          arrivals.set(key, performance.now());
          if (waiting?.key === key) waiting.resolve();
        },
        error: (error) => console.error('subscription error', error),
        complete: () => {},
      },
    );
    client.on('connected', () => setTimeout(resolve, 500));
  });

  const mutation: number[] = [];
  const afterResponse: number[] = [];
  const endToEnd: number[] = [];
  for (let index = 1; index <= warmUp + updates; index += 1) {
    // A walk north along Rua Augusta, 1 m a step: every position is distinct.
    const latitude = -23.5552 + index / 111_195;
    const key = keyOf(latitude);
    const arrived = new Promise<void>((resolve) => {
      waiting = { key, resolve };
    });
    const sentAt = performance.now();
    await call(
      'mutation ($orderId: ID!, $latitude: Float!, $longitude: Float!) { updateCourierLocation(orderId: $orderId, latitude: $latitude, longitude: $longitude) { recordedAt } }',
      courier,
      {
        orderId,
        latitude,
        longitude: -46.6589,
      },
    );
    const answeredAt = performance.now();
    // An update whose message never comes is counted, not waited for forever.
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 30_000));
    if (!arrivals.has(key)) await Promise.race([arrived, timeout]);
    const at = arrivals.get(key);
    if (at === undefined) {
      missing += 1;
      continue;
    }
    if (index > warmUp) {
      mutation.push(answeredAt - sentAt);
      afterResponse.push(at - answeredAt);
      endToEnd.push(at - sentAt);
    }
  }
  await client.dispose();

  const row = (label: string, values: number[]) =>
    `| ${label} | ${values.length} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 90).toFixed(1)} | ${percentile(values, 99).toFixed(1)} | ${Math.max(...values).toFixed(1)} |`;
  process.stdout.write(`\ncourier location to the customer's map, ${updates} updates after ${warmUp} warm-up, real Kafka broker (ms)\n\n`);
  process.stdout.write('| clock | updates | p50 | p90 | p99 | max |\n| --- | --- | --- | --- | --- | --- |\n');
  process.stdout.write(
    `${row('updateCourierLocation answered', mutation)}\n${row('after the answer (response → message)', afterResponse)}\n${row('end to end (update sent → message)', endToEnd)}\n`,
  );
  process.stdout.write(`\nmessages with errors: ${failedMessages}; updates whose message never came (30 s): ${missing}\n`);
} finally {
  await bench.stop();
}
