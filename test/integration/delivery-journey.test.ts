import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/event-probe.js';
import { firstCode } from '../support/graphql-client.js';
import { connectAs, liveFeed } from '../support/live-updates.js';
import { verifiedUser } from '../support/onboarding.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { decodeQuotedPrintable, startSmtpServer, type SmtpServer } from '../support/smtp-server.js';
import { registerUser, type SignedInUser } from '../support/users.js';
import { ruaAugusta } from '../support/delivery-address.js';
import { onlyStoreOf, openStore } from '../support/stores.js';

/**
 * Issue 7's journey, through the gateway on the real PostgreSQL and Kafka: a customer orders gas
 * to be paid in cash, a courier is offered the order and accepts, the customer follows the
 * courier live, the courier hands over the gas against the customer's code, the order is
 * delivered and the cash settled — and the customer hears of every step in the app and by email.
 */
let test: TestPlatform;
let smtp: SmtpServer;
let supplier: SignedInUser;
let customer: SignedInUser;
let courier: SignedInUser;
const clients: Client[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  test = await startTestPlatform({
    NOTIFICATIONS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    NOTIFICATIONS_DELIVERY_SWEEP_MS: '100',
    COURIERS_ASSIGNMENT_SWEEP_MS: '200',
    COURIERS_LOCATION_MIN_INTERVAL_MS: '200',
  });
  [supplier, customer, courier] = await Promise.all([
    verifiedUser(test, 'SUPPLIER', 'Gás da Vila'),
    registerUser(test, 'CUSTOMER', 'Ana Cliente'),
    verifiedUser(test, 'COURIER', 'Carlos Entregador'),
  ]);
  // A store that charges no delivery fee: the cash collected at the door is the goods'.
  await openStore(test, supplier, { deliveryFee: { baseAmount: 0, perKmAmount: 0, freeAboveAmount: null } });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await test?.stop();
  await smtp?.close();
});

/** On the way: a few hundred metres and then a few dozen from the door. */
const onTheWay = [
  { latitude: -23.5552, longitude: -46.6589 },
  { latitude: -23.5584, longitude: -46.6601 },
];

interface OrderMessage {
  orderStatusChanged: { id: string; status: string };
}
interface PaymentMessage {
  paymentUpdated: { status: string; method: string; captured: { amount: number }; order: { id: string } };
}
interface LocationMessage {
  courierLocation: {
    orderId: string;
    latitude: number;
    longitude: number;
    courier: { id: string; vehicleType: string; user: { name: string } };
  };
}
interface NotificationMessage {
  notificationReceived: { id: string; eventType: string; channel: string; title: string };
}

async function ok<Data>(result: Promise<{ data?: Data | null; errors?: readonly unknown[] }>): Promise<Data> {
  const settled = await result;
  if (settled.errors !== undefined || !settled.data) throw new Error(JSON.stringify(settled.errors));
  return settled.data;
}

async function goOnline(): Promise<void> {
  await ok(
    test.query('mutation ($input: CourierProfileInput!) { saveCourierProfile(input: $input) { id } }', {
      token: courier.accessToken,
      variables: {
        input: {
          vehicleType: 'MOTORCYCLE',
          vehiclePlate: 'GAS2R26',
          capacity: [{ cylinderType: 'P13', quantity: 2 }],
          serviceArea: { latitude: -23.5505, longitude: -46.6333, radiusKm: 15 },
        },
      },
    }),
  );
  await ok(test.query('mutation { setCourierAvailability(availability: ONLINE) { availability } }', { token: courier.accessToken }));
}

async function placeCashOrder(): Promise<string> {
  const { createProduct } = await ok(
    test.query<{ createProduct: { id: string } }>('mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }', {
      token: supplier.accessToken,
      variables: {
        input: {
          name: 'Botijão P13',
          cylinderType: 'P13',
          saleType: 'FULL_WITH_CYLINDER',
          priceAmount: 11_500,
          stockQuantity: 10,
        },
      },
    }),
  );
  const storeId = await onlyStoreOf(test, supplier);
  // Orders hears of the store and the product by event; until it has, placing is refused.
  return eventually(
    async () => {
      const placed = await test.query<{ placeOrder: { id: string } }>(
        'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
        {
          token: customer.accessToken,
          variables: {
            input: {
              storeId,
              items: [{ productId: createProduct.id, quantity: 2 }],
              deliveryAddress: ruaAugusta,
              paymentMethod: 'CASH_ON_DELIVERY',
            },
          },
        },
      );
      return placed.data?.placeOrder.id;
    },
    20_000,
    'the product to reach the orders catalog',
  );
}

const updateLocation = (orderId: string, position: { latitude: number; longitude: number }) =>
  test.query(
    'mutation ($orderId: ID!, $latitude: Float!, $longitude: Float!) { updateCourierLocation(orderId: $orderId, latitude: $latitude, longitude: $longitude) { recordedAt } }',
    {
      token: courier.accessToken,
      variables: { orderId, ...position },
    },
  );

/** The steps the customer must hear of, by the event that causes each message. */
const CUSTOMER_STEPS = [
  'order.created',
  // The store took the order (it accepts automatically), with the time promised: order.confirmed adds nothing the customer needs.
  'order.accepted',
  'delivery.code_issued',
  'order.in_transit',
  'order.delivered',
  'payment.processed',
];

describe('delivering gas', () => {
  it('takes a cash order from placement to the door, live on the customer’s phone, with a message for every step', async () => {
    await goOnline();
    const phone = connectAs(test, customer.accessToken);
    const strangerPhone = connectAs(test, (await registerUser(test, 'CUSTOMER', 'Bruno Curioso')).accessToken);
    clients.push(phone, strangerPhone);
    const orderUpdates = liveFeed<OrderMessage>(phone, 'subscription { orderStatusChanged { id status } }');
    const paymentUpdates = liveFeed<PaymentMessage>(
      phone,
      'subscription { paymentUpdated { status method captured { amount } order { id } } }',
    );
    const inbox = liveFeed<NotificationMessage>(phone, 'subscription { notificationReceived { id eventType channel title } }');
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Placed and confirmed: cash on delivery is confirmed on the stock alone.
    const orderId = await placeCashOrder();
    await orderUpdates.waitFor((data) => data.orderStatusChanged.id === orderId && data.orderStatusChanged.status === 'CONFIRMED', 30_000);

    // The courier is offered the order and accepts it.
    // The offer shows what the courier needs to decide: the cylinders and where they go.
    const offer = await eventually(
      async () => {
        const offered = await test.query<{
          myDeliveryOffers: Array<{ id: string; order: { id: string; status: string; items: unknown[]; dropOffArea: unknown } }>;
        }>('{ myDeliveryOffers { id order { id status items { productName quantity } dropOffArea { district city } } } }', {
          token: courier.accessToken,
        });
        // Orders learns of the offer from couriers' event a moment after couriers made it.
        return offered.errors === undefined
          ? offered.data?.myDeliveryOffers.find((candidate) => candidate.order.id === orderId)
          : undefined;
      },
      20_000,
      'the offer to the courier',
    );
    expect(offer.order).toEqual({
      id: orderId,
      status: 'CONFIRMED',
      items: [{ productName: 'Botijão P13', quantity: 2 }],
      dropOffArea: { district: 'Consolação', city: 'São Paulo' },
    });
    const { acceptDeliveryOffer } = await ok(
      test.query<{ acceptDeliveryOffer: { status: string; order: { id: string } } }>(
        'mutation ($offerId: ID!) { acceptDeliveryOffer(offerId: $offerId) { status order { id } } }',
        {
          token: courier.accessToken,
          variables: { offerId: offer.id },
        },
      ),
    );
    expect(acceptDeliveryOffer).toEqual({ status: 'ASSIGNED', order: { id: orderId } });
    const { order: assigned } = await ok(
      test.query<{ order: { deliveryCode: string; courier: { id: string } } }>(
        'query ($id: ID!) { order(id: $id) { deliveryCode courier { id } } }',
        {
          token: customer.accessToken,
          variables: { id: orderId },
        },
      ),
    );
    expect(assigned.courier.id).toBe(courier.id);
    expect(assigned.deliveryCode).toMatch(/^\d{6}$/);

    // Live location: the customer follows the courier once the gas is picked up; a stranger asking for it is refused.
    const location = `subscription ($orderId: ID!) { courierLocation(orderId: $orderId) { orderId latitude longitude courier { id vehicleType user { name } } } }`;
    const courierOnMap = liveFeed<LocationMessage>(phone, location, { orderId });
    const thisOrder = liveFeed<OrderMessage>(
      phone,
      'subscription ($orderId: ID!) { orderStatusChanged(orderId: $orderId) { id status } }',
      { orderId },
    );
    const snooping = liveFeed<LocationMessage>(strangerPhone, location, { orderId });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await ok(
      test.query('mutation ($orderId: ID!) { pickUpOrder(orderId: $orderId) { status } }', {
        token: courier.accessToken,
        variables: { orderId },
      }),
    );
    await orderUpdates.waitFor((data) => data.orderStatusChanged.id === orderId && data.orderStatusChanged.status === 'IN_TRANSIT');
    await thisOrder.waitFor((data) => data.orderStatusChanged.id === orderId && data.orderStatusChanged.status === 'IN_TRANSIT');
    expect(snooping.failure()).toEqual([expect.objectContaining({ extensions: { code: 'NOT_FOUND' } })]);

    for (const [index, position] of onTheWay.entries()) {
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, 300));
      await ok(updateLocation(orderId, position));
      const seen = await courierOnMap.waitFor((data) => Math.abs(data.courierLocation.latitude - position.latitude) < 1e-9);
      expect(seen.courierLocation).toMatchObject({
        orderId,
        courier: { id: courier.id, vehicleType: 'MOTORCYCLE', user: { name: 'Carlos Entregador' } },
      });
    }
    expect(snooping.messages).toEqual([]);
    expect(
      firstCode(
        await test.query('query ($orderId: ID!) { courierLocation(orderId: $orderId) { latitude } }', {
          token: (await registerUser(test, 'CUSTOMER')).accessToken,
          variables: { orderId },
        }),
      ),
    ).toBe('NOT_FOUND');

    // At the door: a wrong code is refused, the customer's code completes the delivery.
    const wrong = String((Number(assigned.deliveryCode) + 1) % 1_000_000).padStart(6, '0');
    const refused = await test.query(
      'mutation ($orderId: ID!, $code: String!) { confirmDelivery(orderId: $orderId, code: $code) { status } }',
      {
        token: courier.accessToken,
        variables: { orderId, code: wrong },
      },
    );
    expect(firstCode(refused)).toBe('BAD_USER_INPUT');
    await ok(
      test.query('mutation ($orderId: ID!, $code: String!) { confirmDelivery(orderId: $orderId, code: $code) { status } }', {
        token: courier.accessToken,
        variables: { orderId, code: assigned.deliveryCode },
      }),
    );
    await orderUpdates.waitFor((data) => data.orderStatusChanged.id === orderId && data.orderStatusChanged.status === 'DELIVERED');

    // The cash is settled on delivery.
    const settled = await paymentUpdates.waitFor(
      (data) => data.paymentUpdated.order.id === orderId && data.paymentUpdated.status === 'PAID',
    );
    expect(settled.paymentUpdated).toMatchObject({ method: 'CASH_ON_DELIVERY', captured: { amount: 23_000 } });

    // The order tells the whole story across subgraphs: route recorded by couriers' own consumer.
    const { order } = await ok(
      test.query<{
        order: {
          status: string;
          history: Array<{ to: string }>;
          delivery: { status: string; route: unknown[]; distanceTravelledMeters: number };
        };
      }>(
        'query ($id: ID!) { order(id: $id) { status history { to } delivery { status route { latitude longitude recordedAt } distanceTravelledMeters } } }',
        { token: customer.accessToken, variables: { id: orderId } },
      ),
    );
    expect(order.history.map((change) => change.to)).toEqual(['PENDING_PAYMENT', 'CONFIRMED', 'IN_TRANSIT', 'DELIVERED']);
    expect(order.delivery.status).toBe('DELIVERED');
    await eventually(
      async () => {
        const { order: tracked } = await ok(
          test.query<{ order: { delivery: { route: unknown[]; distanceTravelledMeters: number } } }>(
            'query ($id: ID!) { order(id: $id) { delivery { route { latitude } distanceTravelledMeters } } }',
            {
              token: customer.accessToken,
              variables: { id: orderId },
            },
          ),
        );
        return tracked.delivery.route.length === onTheWay.length ? tracked : undefined;
      },
      20_000,
      'the route',
    ).then((tracked) => {
      // About 380 m between the two positions.
      expect(tracked.delivery.distanceTravelledMeters).toBeGreaterThan(300);
      expect(tracked.delivery.distanceTravelledMeters).toBeLessThan(450);
    });

    // Every step reached the customer in the app (live, and in the list) and by email.
    for (const step of CUSTOMER_STEPS)
      await inbox.waitFor((data) => data.notificationReceived.eventType === step && data.notificationReceived.channel === 'IN_APP');
    const { notifications } = await ok(
      test.query<{ notifications: { nodes: Array<{ eventType: string; body: string }> } }>(
        '{ notifications(first: 50) { nodes { eventType body } } }',
        { token: customer.accessToken },
      ),
    );
    expect(notifications.nodes.map((notification) => notification.eventType).sort()).toEqual([...CUSTOMER_STEPS].sort());
    // The code is read in the app only: no message carries it (mail and push previews are read by others).
    expect(notifications.nodes.find((notification) => notification.eventType === 'delivery.code_issued')!.body).toContain(
      'código de entrega está no app',
    );
    expect(notifications.nodes.map((notification) => notification.body).join('\n')).not.toContain(assigned.deliveryCode);

    const emailed = await eventually(
      async () => {
        const mails = smtp.mails.filter((mail) => mail.to.includes(customer.email));
        return mails.length >= CUSTOMER_STEPS.length ? mails : undefined;
      },
      30_000,
      'an email for every step',
    );
    const emailedSteps = await Promise.all(
      emailed.map(async (mail) => {
        const id = /^X-GasRapido-Notification: ([0-9a-f-]{36})/im.exec(mail.raw)![1];
        const { notification } = await ok(
          test.query<{ notification: { eventType: string; channel: string; status: string } }>(
            'query ($id: ID!) { notification(id: $id) { eventType channel status } }',
            {
              token: customer.accessToken,
              variables: { id },
            },
          ),
        );
        expect(notification).toMatchObject({ channel: 'EMAIL', status: 'SENT' });
        return notification.eventType;
      }),
    );
    expect(emailedSteps.sort()).toEqual([...CUSTOMER_STEPS].sort());
    expect(emailed.some((mail) => decodeQuotedPrintable(mail.raw).includes('código de entrega está no app'))).toBe(true);
    for (const mail of emailed) expect(decodeQuotedPrintable(mail.raw)).not.toContain(assigned.deliveryCode);
  }, 180_000);
});
