import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, probeEvents, type EventProbe } from '../support/event-probe.js';
import { firstCode } from '../support/graphql-client.js';
import { verifiedUser } from '../support/onboarding.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, type SignedInUser } from '../support/users.js';
import { ORDER_TOPIC } from '../../subgraphs/orders/src/events/index.js';
import { openStore, paulistaStore, supplierWithStore } from '../support/stores.js';

/**
 * Issue 15, items 3 and 4, through the gateway with real orders: what a courier sees of the
 * order they are offered, carry and carried, their own deliveries, and the handover's rule
 * (only the courier's code, or an admin, delivers an order).
 */
const CODE_ATTEMPTS = 2;

let test: TestPlatform;
let orderEvents: EventProbe;
let supplier: SignedInUser;
let customer: SignedInUser;
let admin: SignedInUser;

beforeAll(async () => {
  test = await startTestPlatform({
    COURIERS_OFFER_SECONDS: '60',
    COURIERS_ASSIGNMENT_SWEEP_MS: '200',
    COURIERS_DELIVERY_CODE_MAX_ATTEMPTS: String(CODE_ATTEMPTS),
  });
  orderEvents = await probeEvents(test.platform.eventBus, [ORDER_TOPIC]);
  [supplier, customer, admin] = await Promise.all([
    supplierWithStore(test, 'Gás da Praça'),
    registerUser(test, 'CUSTOMER', 'Joana Maria da Silva'),
    createAdmin(test),
  ]);
}, 120_000);

afterAll(async () => {
  await orderEvents?.stop();
  await test?.stop();
});

interface Point {
  latitude: number;
  longitude: number;
}

/**
 * Each test delivers in a city block of its own, kilometres from the others', with couriers whose
 * areas reach only their own block, so that one test's couriers are never offered another's order.
 */
let nextBlock = 0;
function block(): Point {
  nextBlock += 1;
  return { latitude: -23.5587 - nextBlock * 0.5, longitude: -46.6603 };
}

const addressAt = (point: Point) => ({
  street: 'Rua Augusta',
  number: '1500',
  complement: 'apto 42',
  district: 'Consolação',
  city: 'São Paulo',
  state: 'SP',
  postalCode: '01304-001',
  latitude: point.latitude + 0.001234,
  longitude: point.longitude + 0.004321,
  notes: 'Portão azul, tocar o interfone 12',
});

async function onlineCourier(point: Point): Promise<SignedInUser> {
  const courier = await verifiedUser(test, 'COURIER', 'Carlos Entregador');
  const saved = await test.query('mutation ($input: CourierProfileInput!) { saveCourierProfile(input: $input) { id } }', {
    token: courier.accessToken,
    variables: {
      input: {
        vehicleType: 'MOTORCYCLE',
        vehiclePlate: 'GAS2R26',
        capacity: [{ cylinderType: 'P13', quantity: 4 }],
        serviceArea: { ...point, radiusKm: 5 },
      },
    },
  });
  expect(saved.errors).toBeUndefined();
  const online = await test.query('mutation { setCourierAvailability(availability: ONLINE) { availability } }', {
    token: courier.accessToken,
  });
  expect(online.errors).toBeUndefined();
  return courier;
}

/** The supplier's store in a block, opened on first use, with its P13: orders are picked up in the block they go to. */
const storesByBlock = new Map<number, Promise<{ storeId: string; productId: string }>>();
function storeIn(point: Point): Promise<{ storeId: string; productId: string }> {
  let store = storesByBlock.get(point.latitude);
  if (store === undefined) {
    store = (async () => {
      const storeId = await openStore(test, supplier, {
        name: `Gás da Praça ${storesByBlock.size}`,
        address: { ...paulistaStore.address, latitude: point.latitude, longitude: point.longitude },
        deliveryArea: { radiusKm: 3 },
        // No fee: the order's total is its goods.
        deliveryFee: { baseAmount: 0, perKmAmount: 0, freeAboveAmount: null },
      });
      const created = await test.query<{ createProduct: { id: string } }>(
        'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
        {
          token: supplier.accessToken,
          variables: {
            input: {
              storeId,
              name: 'Botijão P13',
              cylinderType: 'P13',
              saleType: 'FULL_WITH_CYLINDER',
              priceAmount: 11_000,
              stockQuantity: 100,
            },
          },
        },
      );
      return { storeId, productId: created.data!.createProduct.id };
    })();
    storesByBlock.set(point.latitude, store);
  }
  return store;
}

async function placeCashOrder(point: Point): Promise<string> {
  const { storeId, productId } = await storeIn(point);
  return eventually(
    async () => {
      const placed = await test.query<{ placeOrder: { id: string } }>(
        'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
        {
          token: customer.accessToken,
          variables: {
            input: { storeId, items: [{ productId, quantity: 2 }], deliveryAddress: addressAt(point), paymentMethod: 'CASH_ON_DELIVERY' },
          },
        },
      );
      // Orders learns of the product from products' events; until it has, placing is refused.
      return placed.data?.placeOrder.id;
    },
    20_000,
    'the order to be placed',
  );
}

const ofOrder = (type: string, orderId: string) => (event: { envelope?: { type: string; data: any } | undefined }) =>
  event.envelope?.type === type && event.envelope.data.orderId === orderId;

/** Waits for the courier's offer of the order and for orders to have learnt of it. */
async function offerOf(courier: SignedInUser, orderId: string): Promise<string> {
  const [offered] = await orderEvents.waitFor(ofOrder('courier.offered', orderId), 1, 30_000);
  expect(offered!.envelope!.data.courierId).toBe(courier.id);
  return offered!.envelope!.data.offerId as string;
}

const offerView = `{ myDeliveryOffers { id order { id status items { productName quantity } total { amount } paymentMethod dropOffArea { district city state latitude longitude } } } }`;

async function carriedToTheDoor(courier: SignedInUser, orderId: string): Promise<string> {
  const { data } = await test.query<{ order: { deliveryCode: string } }>('query ($id: ID!) { order(id: $id) { deliveryCode } }', {
    token: customer.accessToken,
    variables: { id: orderId },
  });
  const pickedUp = await test.query('mutation ($orderId: ID!) { pickUpOrder(orderId: $orderId) { status } }', {
    token: courier.accessToken,
    variables: { orderId },
  });
  expect(pickedUp.errors).toBeUndefined();
  await orderEvents.waitFor(ofOrder('order.in_transit', orderId));
  return data!.order.deliveryCode;
}

const errorsAt = (result: { errors?: readonly any[] }) =>
  (result.errors ?? []).map((error) => ({
    path: error.path.filter((step: unknown) => typeof step === 'string').join('.'),
    code: error.extensions?.code,
  }));

describe('what a courier sees of an order', () => {
  it('shows the offered courier the cylinders and the area, the assigned one the address and first name, and afterwards the work done', async () => {
    const point = block();
    const courier = await onlineCourier(point);
    const bystander = await onlineCourier({ latitude: point.latitude + 0.3, longitude: point.longitude });
    const orderId = await placeCashOrder(point);
    const offerId = await offerOf(courier, orderId);

    // Offered: enough to decide, in a response with no error.
    const offered = await eventually(
      async () => {
        const result = await test.query<{ myDeliveryOffers: Array<{ id: string; order: Record<string, any> }> }>(offerView, {
          token: courier.accessToken,
        });
        return result.errors === undefined ? result.data!.myDeliveryOffers.find((offer) => offer.id === offerId) : undefined;
      },
      20_000,
      'orders to learn of the offer',
    );
    expect(offered.order).toEqual({
      id: orderId,
      status: 'CONFIRMED',
      items: [{ productName: 'Botijão P13', quantity: 2 }],
      total: { amount: 22_000 },
      paymentMethod: 'CASH_ON_DELIVERY',
      dropOffArea: {
        district: 'Consolação',
        city: 'São Paulo',
        state: 'SP',
        latitude: Math.round((point.latitude + 0.001234) * 100) / 100,
        longitude: Math.round((point.longitude + 0.004321) * 100) / 100,
      },
    });

    // Nothing personal before accepting: those fields alone are null, each with FORBIDDEN.
    const personal = `query ($id: ID!) { order(id: $id) { id deliveryAddress { street number notes } customerFirstName customer { id } } }`;
    const peek = await test.query<{ order: Record<string, unknown> }>(personal, { token: courier.accessToken, variables: { id: orderId } });
    expect(peek.data?.order).toEqual({ id: orderId, deliveryAddress: null, customerFirstName: null, customer: null });
    expect(errorsAt(peek).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'order.customer', code: 'FORBIDDEN' },
      { path: 'order.customerFirstName', code: 'FORBIDDEN' },
      { path: 'order.deliveryAddress', code: 'FORBIDDEN' },
    ]);
    // The directions to the door are the address's: asked for alone, they are refused the same way.
    const notesOnly = await test.query<{ order: Record<string, unknown> }>(
      'query ($id: ID!) { order(id: $id) { deliveryAddress { notes } } }',
      {
        token: courier.accessToken,
        variables: { id: orderId },
      },
    );
    expect(notesOnly.data?.order).toEqual({ deliveryAddress: null });
    expect(errorsAt(notesOnly)).toEqual([{ path: 'order.deliveryAddress', code: 'FORBIDDEN' }]);
    // A courier it was not offered to does not learn that it exists.
    expect(firstCode(await test.query(personal, { token: bystander.accessToken, variables: { id: orderId } }))).toBe('NOT_FOUND');

    // Accepting answers with the order, not {"data": null}.
    const accepted = await test.query<{ acceptDeliveryOffer: { status: string; order: { id: string; status: string } } }>(
      'mutation ($offerId: ID!) { acceptDeliveryOffer(offerId: $offerId) { status order { id status } } }',
      { token: courier.accessToken, variables: { offerId } },
    );
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data?.acceptDeliveryOffer).toEqual({ status: 'ASSIGNED', order: { id: orderId, status: 'CONFIRMED' } });

    // Assigned: the door and whom to ask for there, still not the customer's account.
    const carrying = await eventually(
      async () => {
        const result = await test.query<{ order: Record<string, any> }>(
          'query ($id: ID!) { order(id: $id) { deliveryAddress { street number complement postalCode notes } customerFirstName } }',
          { token: courier.accessToken, variables: { id: orderId } },
        );
        return result.errors === undefined ? result.data!.order : undefined;
      },
      20_000,
      'orders to learn of the assignment',
    );
    expect(carrying).toEqual({
      deliveryAddress: {
        street: 'Rua Augusta',
        number: '1500',
        complement: 'apto 42',
        postalCode: '01304001',
        notes: 'Portão azul, tocar o interfone 12',
      },
      customerFirstName: 'Joana',
    });
    expect(
      firstCode(
        await test.query('query ($id: ID!) { order(id: $id) { customer { id } } }', {
          token: courier.accessToken,
          variables: { id: orderId },
        }),
      ),
    ).toBe('FORBIDDEN');
    const current = await test.query<{
      myDeliveries: { totalCount: number; nodes: Array<{ status: string; order: { id: string; customerFirstName: string } }> };
    }>('{ myDeliveries(filter: CURRENT) { totalCount nodes { status order { id customerFirstName } } } }', { token: courier.accessToken });
    expect(current.errors).toBeUndefined();
    expect(current.data?.myDeliveries).toEqual({
      totalCount: 1,
      nodes: [{ status: 'ASSIGNED', order: { id: orderId, customerFirstName: 'Joana' } }],
    });

    // Delivered: the record of the work stays, the door does not.
    const code = await carriedToTheDoor(courier, orderId);
    const confirmed = await test.query(
      'mutation ($orderId: ID!, $code: String!) { confirmDelivery(orderId: $orderId, code: $code) { status } }',
      {
        token: courier.accessToken,
        variables: { orderId, code },
      },
    );
    expect(confirmed.errors).toBeUndefined();
    await orderEvents.waitFor(ofOrder('order.delivered', orderId));
    const past = await eventually(
      async () => {
        const result = await test.query<{ myDeliveries: { nodes: Array<{ status: string; order: Record<string, any> }> } }>(
          '{ myDeliveries(filter: PAST) { nodes { status order { id status items { quantity } dropOffArea { district } history { to actorId } } } } }',
          { token: courier.accessToken },
        );
        return result.data?.myDeliveries.nodes[0]?.order.status === 'DELIVERED' ? result : undefined;
      },
      20_000,
      'the order to be delivered',
    );
    expect(past.errors).toBeUndefined();
    expect(past.data!.myDeliveries.nodes[0]!.order).toMatchObject({
      id: orderId,
      items: [{ quantity: 2 }],
      dropOffArea: { district: 'Consolação' },
    });
    // Who moved the order is told only for the courier's own moves.
    expect(past.data!.myDeliveries.nodes[0]!.order['history']).toEqual([
      { to: 'PENDING_PAYMENT', actorId: null },
      { to: 'CONFIRMED', actorId: null },
      { to: 'IN_TRANSIT', actorId: courier.id },
      { to: 'DELIVERED', actorId: courier.id },
    ]);
    const after = await test.query(personal, { token: courier.accessToken, variables: { id: orderId } });
    expect(errorsAt(after).map((error) => error.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(firstCode(await test.query('{ myDeliveries(filter: CURRENT) { totalCount } }', { token: customer.accessToken }))).toBe(
      'FORBIDDEN',
    );
  }, 120_000);

  it('pages through the courier’s deliveries, newest first', async () => {
    const point = block();
    const courier = await onlineCourier(point);
    const delivered: string[] = [];
    for (let round = 0; round < 2; round += 1) {
      const orderId = await placeCashOrder(point);
      const offerId = await offerOf(courier, orderId);
      const accepted = await test.query('mutation ($offerId: ID!) { acceptDeliveryOffer(offerId: $offerId) { status } }', {
        token: courier.accessToken,
        variables: { offerId },
      });
      expect(accepted.errors).toBeUndefined();
      const code = await carriedToTheDoor(courier, orderId);
      await test.query('mutation ($orderId: ID!, $code: String!) { confirmDelivery(orderId: $orderId, code: $code) { status } }', {
        token: courier.accessToken,
        variables: { orderId, code },
      });
      delivered.unshift(orderId);
    }
    const page = (after: string | null) =>
      test.query<{
        myDeliveries: {
          totalCount: number;
          nodes: Array<{ order: { id: string } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      }>(
        'query ($after: String) { myDeliveries(first: 1, after: $after) { totalCount nodes { order { id } } pageInfo { hasNextPage endCursor } } }',
        { token: courier.accessToken, variables: { after } },
      );
    const first = await page(null);
    expect(first.errors).toBeUndefined();
    expect(first.data?.myDeliveries).toMatchObject({
      totalCount: 2,
      nodes: [{ order: { id: delivered[0] } }],
      pageInfo: { hasNextPage: true },
    });
    const second = await page(first.data!.myDeliveries.pageInfo.endCursor);
    expect(second.data?.myDeliveries).toMatchObject({
      totalCount: 2,
      nodes: [{ order: { id: delivered[1] } }],
      pageInfo: { hasNextPage: false },
    });
    expect(firstCode(await page('not-a-cursor'))).toBe('BAD_USER_INPUT');
  }, 120_000);
});

describe('the handover', () => {
  it('lets neither the supplier nor a locked code deliver the order; an admin resolves it and the courier is freed', async () => {
    const point = block();
    const courier = await onlineCourier(point);
    const orderId = await placeCashOrder(point);
    const offerId = await offerOf(courier, orderId);
    await test.query('mutation ($offerId: ID!) { acceptDeliveryOffer(offerId: $offerId) { status } }', {
      token: courier.accessToken,
      variables: { offerId },
    });
    const code = await carriedToTheDoor(courier, orderId);
    const wrong = code === '123456' ? '654321' : '123456';
    const tries: Array<string | undefined> = [];
    for (let attempt = 0; attempt <= CODE_ATTEMPTS; attempt += 1) {
      const answer = await test.query(
        'mutation ($orderId: ID!, $code: String!) { confirmDelivery(orderId: $orderId, code: $code) { status } }',
        {
          token: courier.accessToken,
          variables: { orderId, code: attempt < CODE_ATTEMPTS ? wrong : code },
        },
      );
      tries.push(firstCode(answer));
    }
    // The last wrong code locks the delivery: the right one comes too late.
    expect(tries).toEqual(['BAD_USER_INPUT', 'CONFLICT', 'CONFLICT']);

    const complete = 'mutation ($id: ID!) { completeDelivery(id: $id) { status history { to actorId actorRole } } }';
    const bySupplier = await test.query(complete, { token: supplier.accessToken, variables: { id: orderId } });
    expect(firstCode(bySupplier)).toBe('FORBIDDEN');
    const status = await test.query<{ order: { status: string } }>('query ($id: ID!) { order(id: $id) { status } }', {
      token: customer.accessToken,
      variables: { id: orderId },
    });
    expect(status.data?.order.status).toBe('IN_TRANSIT');

    const byAdmin = await test.query<{
      completeDelivery: { status: string; history: Array<{ to: string; actorId: string; actorRole: string }> };
    }>(complete, {
      token: admin.accessToken,
      variables: { id: orderId },
    });
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data?.completeDelivery.history.at(-1)).toEqual({ to: 'DELIVERED', actorId: admin.id, actorRole: 'ADMIN' });
    // Couriers ends the delivery on order.delivered: the courier no longer carries it.
    await eventually(
      async () => {
        const current = await test.query<{ myDeliveries: { totalCount: number } }>('{ myDeliveries(filter: CURRENT) { totalCount } }', {
          token: courier.accessToken,
        });
        return current.data?.myDeliveries.totalCount === 0 ? true : undefined;
      },
      20_000,
      'the delivery to end',
    );
    const seen = await test.query<{ order: { delivery: { status: string } } }>(
      'query ($id: ID!) { order(id: $id) { delivery { status } } }',
      { token: customer.accessToken, variables: { id: orderId } },
    );
    expect(seen.data?.order.delivery.status).toBe('DELIVERED');
  }, 120_000);
});
