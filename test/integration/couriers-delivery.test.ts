import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, createLogger, type PrismaLike, type StartedSubgraph, type Viewer } from '#kit';
import { assignment } from '../../subgraphs/couriers/src/delivery/assignment.js';
import { deliveryStore } from '../../subgraphs/couriers/src/delivery/delivery-store.js';
import type { CouriersDatabase } from '../../subgraphs/couriers/src/database.js';
import { deliveryCode } from '../../subgraphs/couriers/src/delivery/delivery-code.js';
import { DeliveryService } from '../../subgraphs/couriers/src/delivery/delivery-service.js';
import { DEFAULT_VEHICLE_CYLINDER_CLASSES, parseVehicleCylinderRules } from '../../subgraphs/couriers/src/profiles/vehicles.js';
import { eventually, probeEvents, publishEvent, type EventProbe } from '../support/event-probe.js';
import { firstCode } from '../support/graphql-client.js';
import { verifiedUser } from '../support/onboarding.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { registerUser, type SignedInUser } from '../support/users.js';
import { ORDER_TOPIC, OrderEvents } from '../../subgraphs/orders/src/events/index.js';
import { onlyStoreOf, supplierWithStore } from '../support/stores.js';

const CODE_SECRET = 'test-delivery-code-secret-0123456789';
const OFFER_SECONDS = 2;
const ASSIGNMENT_TIMEOUT_SECONDS = 8;

let test: TestPlatform;
let orderEvents: EventProbe;
beforeAll(async () => {
  test = await startTestPlatform({
    COURIERS_OFFER_SECONDS: String(OFFER_SECONDS),
    COURIERS_ASSIGNMENT_TIMEOUT_SECONDS: String(ASSIGNMENT_TIMEOUT_SECONDS),
    COURIERS_ASSIGNMENT_SWEEP_MS: '200',
    // Long enough that two updates in a row fall inside it even on a loaded machine.
    COURIERS_LOCATION_MIN_INTERVAL_MS: '5000',
    COURIERS_DELIVERY_CODE_MAX_ATTEMPTS: '3',
    COURIERS_DELIVERY_CODE_SECRET: CODE_SECRET,
  });
  orderEvents = await probeEvents(test.platform.eventBus, [ORDER_TOPIC]);
}, 120_000);
afterAll(async () => {
  await orderEvents?.stop();
  await test?.stop();
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

interface Point {
  latitude: number;
  longitude: number;
}

/**
 * Each test works in a region of its own, far from the others' (more than the largest service
 * area apart), so couriers left online by one test are never candidates in another.
 */
let nextRegion = 0;
function region(): Point {
  nextRegion += 1;
  return { latitude: -30 + nextRegion * 2.5, longitude: -60 + nextRegion * 2.5 };
}

/** `meters` north of `point`. */
const north = (point: Point, meters: number): Point => ({ latitude: point.latitude + meters / 111_195, longitude: point.longitude });

async function onlineCourier(
  areaCentre: Point,
  options: { capacity?: number; radiusKm?: number; online?: boolean } = {},
): Promise<SignedInUser> {
  const courier = await verifiedUser(test, 'COURIER', 'Carlos Entregador');
  const saved = await test.query(`mutation ($input: CourierProfileInput!) { saveCourierProfile(input: $input) { id } }`, {
    token: courier.accessToken,
    variables: {
      input: {
        vehicleType: 'PICKUP',
        vehiclePlate: 'ABC1D23',
        capacity: [{ cylinderType: 'P13', quantity: options.capacity ?? 10 }],
        serviceArea: { ...areaCentre, radiusKm: options.radiusKm ?? 10 },
      },
    },
  });
  expect(saved.errors).toBeUndefined();
  if (options.online !== false) {
    const online = await test.query(`mutation { setCourierAvailability(availability: ONLINE) { availability } }`, {
      token: courier.accessToken,
    });
    expect(online.errors).toBeUndefined();
  }
  return courier;
}

/** Publishes order.confirmed as orders would, for an order delivered at `point`. */
async function confirmOrder(point: Point, cylinderCount = 2, customerId: string = randomUUID()): Promise<string> {
  const orderId = randomUUID();
  await publishEvent(test.platform.eventBus, OrderEvents.confirmed, orderId, {
    orderId,
    customerId,
    supplierId: randomUUID(),
    totalAmount: 24_000,
    currency: 'BRL',
    paymentMethod: 'CASH_ON_DELIVERY',
    cylinderCount,
    deliveryLocation: point,
    confirmedAt: new Date().toISOString(),
  });
  return orderId;
}

const ofOrder = (type: string, orderId: string) => (event: { envelope?: { type: string; data: any } | undefined }) =>
  event.envelope?.type === type && event.envelope.data.orderId === orderId;

async function offers(
  orderId: string,
  count: number,
  timeoutMs = 15_000,
): Promise<Array<{ courierId: string; offerId: string; distanceMeters: number }>> {
  const events = await orderEvents.waitFor(ofOrder('courier.offered', orderId), count, timeoutMs);
  return events.map((event) => event.envelope!.data);
}

const accept = (courier: SignedInUser, offerId: string) =>
  test.query(`mutation ($offerId: ID!) { acceptDeliveryOffer(offerId: $offerId) { status courier { id } assignedAt } }`, {
    token: courier.accessToken,
    variables: { offerId },
  });

const decline = (courier: SignedInUser, offerId: string) =>
  test.query(`mutation ($offerId: ID!) { declineDeliveryOffer(offerId: $offerId) { status } }`, {
    token: courier.accessToken,
    variables: { offerId },
  });

const updateLocation = (courier: SignedInUser, orderId: string, position: Point) =>
  test.query(
    `mutation ($orderId: ID!, $latitude: Float!, $longitude: Float!) {
      updateCourierLocation(orderId: $orderId, latitude: $latitude, longitude: $longitude) { orderId courier { id } latitude longitude recordedAt }
    }`,
    { token: courier.accessToken, variables: { orderId, ...position } },
  );

const confirmDelivery = (courier: SignedInUser, orderId: string, code: string) =>
  test.query(`mutation ($orderId: ID!, $code: String!) { confirmDelivery(orderId: $orderId, code: $code) { status deliveredAt } }`, {
    token: courier.accessToken,
    variables: { orderId, code },
  });

/** An order accepted by a courier, ready for pickup. */
async function assignedOrder(customerId?: string): Promise<{ orderId: string; offerId: string; courier: SignedInUser; point: Point }> {
  const point = region();
  const courier = await onlineCourier(north(point, 1_000));
  const orderId = await confirmOrder(point, 2, customerId);
  const [offer] = await offers(orderId, 1);
  const accepted = await accept(courier, offer!.offerId);
  expect(accepted.errors).toBeUndefined();
  return { orderId, offerId: offer!.offerId, courier, point };
}

// ---------------------------------------------------------------------------
// Offers and assignment
// ---------------------------------------------------------------------------

describe('offering a confirmed order', () => {
  it('should offer it to the nearest online courier with room whose area contains the delivery point', async () => {
    const point = region();
    const far = await onlineCourier(north(point, 3_000));
    const near = await onlineCourier(north(point, 800));
    await onlineCourier(north(point, 200), { capacity: 1 }); // too small for two cylinders
    await onlineCourier(north(point, 100), { online: false });
    await onlineCourier(north(point, 12_000), { radiusKm: 5 }); // the point is outside its area

    const orderId = await confirmOrder(point, 2);
    const [offer] = await offers(orderId, 1);
    expect(offer).toMatchObject({ courierId: near.id });
    expect(offer!.distanceMeters).toBeGreaterThan(700);
    expect(offer!.distanceMeters).toBeLessThan(900);

    const open = await test.query(`{ myDeliveryOffers { id status distanceMeters cylinderCount order { id } expiresAt } }`, {
      token: near.accessToken,
    });
    expect(open.data?.['myDeliveryOffers']).toEqual([
      expect.objectContaining({ id: offer!.offerId, status: 'PENDING', cylinderCount: 2, order: { id: orderId } }),
    ]);
    const none = await test.query(`{ myDeliveryOffers { id } }`, { token: far.accessToken });
    expect(none.data?.['myDeliveryOffers']).toEqual([]);
    // Five couriers through verification: well over the default on a loaded machine.
  }, 90_000);

  it('should offer it to the next courier on decline and on timeout, never twice to the same one', async () => {
    const point = region();
    const first = await onlineCourier(north(point, 500));
    const second = await onlineCourier(north(point, 1_500));
    const third = await onlineCourier(north(point, 2_500));

    const orderId = await confirmOrder(point);
    const [toFirst] = await offers(orderId, 1);
    expect(toFirst!.courierId).toBe(first.id);
    expect((await decline(first, toFirst!.offerId)).data?.['declineDeliveryOffer']).toEqual({ status: 'DECLINED' });

    const [, toSecond] = await offers(orderId, 2);
    expect(toSecond!.courierId).toBe(second.id);
    // The second courier lets the offer run out.
    const [, , toThird] = await offers(orderId, 3, (OFFER_SECONDS + 5) * 1000);
    expect(toThird!.courierId).toBe(third.id);

    expect(firstCode(await accept(second, toSecond!.offerId))).toBe('CONFLICT');
    const accepted = await accept(third, toThird!.offerId);
    expect(accepted.data?.['acceptDeliveryOffer']).toMatchObject({ status: 'ASSIGNED', courier: { id: third.id } });
    const [assigned] = await orderEvents.waitFor(ofOrder('courier.assigned', orderId));
    expect(assigned!.envelope!.data).toMatchObject({ courierId: third.id, offerId: toThird!.offerId });
  });

  it('should offer one free courier to one of two orders searched at the same moment, never to both', async () => {
    const point = region();
    const courier = await onlineCourier(north(point, 500));
    const client = (test.platform.subgraphs.get('couriers') as StartedSubgraph<PrismaLike>).database.client as unknown as CouriersDatabase;
    const deliveries = deliveryStore(client);
    const offers = assignment(deliveries, {
      offerSeconds: 60,
      assignmentTimeoutSeconds: 600,
      vehicleCylinderClasses: parseVehicleCylinderRules(DEFAULT_VEHICLE_CYLINDER_CLASSES),
    });
    const logger = createLogger({ service: 'race-test', level: 'silent' });
    // Each order is written and searched in a transaction of its own, both open at once: neither
    // sees the other's offer until it commits, which is the race the database must settle.
    const search = () =>
      client.$transaction(async (transaction) => {
        const orderId = randomUUID();
        await deliveries.createDelivery(transaction, {
          orderId,
          customerId: randomUUID(),
          supplierId: randomUUID(),
          cylinderCount: 1,
          location: point,
          pickup: null,
          cylinders: [{ cylinderType: 'P13', quantity: 1, emptiesToCollect: 0 }],
          promisedBy: null,
          searchStartedAt: new Date(),
        });
        const delivery = await deliveries.lockDelivery(transaction, orderId);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return offers.offerNext(transaction, delivery!, { source: 'couriers', correlationId: randomUUID() }, logger);
      });
    const outcomes = await Promise.all([search(), search()]);
    expect(outcomes.sort()).toEqual(['offered', 'waiting']);
    const open = await client.deliveryOffer.count({ where: { courierId: courier.id, status: 'PENDING' } });
    expect(open).toBe(1);
  });

  it('should publish courier.not_found when nobody accepts within the assignment time', async () => {
    const point = region();
    const orderId = await confirmOrder(point);
    const [notFound] = await orderEvents.waitFor(ofOrder('courier.not_found', orderId), 1, (ASSIGNMENT_TIMEOUT_SECONDS + 10) * 1000);
    expect(notFound!.envelope!.data).toMatchObject({ orderId, offersMade: 0 });
  }, 30_000);

  it('should refuse an offer accepted after its deadline with CONFLICT', async () => {
    const point = region();
    const courier = await onlineCourier(north(point, 500));
    const orderId = await confirmOrder(point);
    const [offer] = await offers(orderId, 1);
    await new Promise((resolve) => setTimeout(resolve, OFFER_SECONDS * 1000 + 300));
    const late = await accept(courier, offer!.offerId);
    expect(firstCode(late)).toBe('CONFLICT');
  });

  it('should let only the offered courier answer an offer', async () => {
    const point = region();
    await onlineCourier(north(point, 500));
    const other = await verifiedUser(test, 'COURIER');
    const orderId = await confirmOrder(point);
    const [offer] = await offers(orderId, 1);
    expect(firstCode(await accept(other, offer!.offerId))).toBe('NOT_FOUND');
    expect(firstCode(await decline(other, offer!.offerId))).toBe('NOT_FOUND');
  });
});

// ---------------------------------------------------------------------------
// Pickup, location and the delivery code
// ---------------------------------------------------------------------------

describe('carrying an assigned order', () => {
  it('should take location updates from the assigned courier only, with possible coordinates, at the rate limit', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const { orderId, courier, point } = await assignedOrder(customer.id);
    const stranger = await verifiedUser(test, 'COURIER');

    expect(firstCode(await updateLocation(stranger, orderId, point))).toBe('NOT_FOUND');
    const impossible = await updateLocation(courier, orderId, { latitude: 91, longitude: 200 });
    expect(firstCode(impossible)).toBe('BAD_USER_INPUT');
    expect(impossible.errors?.[0]?.extensions?.['fields']).toHaveLength(2);

    const first = await updateLocation(courier, orderId, north(point, 900));
    expect(first.errors).toBeUndefined();
    const tooFast = await updateLocation(courier, orderId, north(point, 800));
    expect(firstCode(tooFast)).toBe('RATE_LIMITED');
    expect(tooFast.errors?.[0]?.extensions?.['retryAfter']).toBeGreaterThanOrEqual(1);
    expect(tooFast.errors?.[0]?.extensions?.['retryAfter']).toBeLessThanOrEqual(5);
    const [published] = await orderEvents.waitFor(ofOrder('courier.location.updated', orderId));
    expect(published!.envelope!.data).toMatchObject({ courierId: courier.id, latitude: expect.closeTo(north(point, 900).latitude, 9) });

    // Before pickup the customer sees no position; in transit they do, and nobody else does.
    const locationQuery = `query ($orderId: ID!) { courierLocation(orderId: $orderId) { latitude longitude courier { id } } }`;
    expect((await test.query(locationQuery, { token: customer.accessToken, variables: { orderId } })).data?.['courierLocation']).toBeNull();
    const picked = await test.query(`mutation ($orderId: ID!) { pickUpOrder(orderId: $orderId) { status pickedUpAt } }`, {
      token: courier.accessToken,
      variables: { orderId },
    });
    expect(picked.data?.['pickUpOrder']).toMatchObject({ status: 'PICKED_UP' });
    await orderEvents.waitFor(ofOrder('courier.picked_up', orderId));
    const seen = await test.query(locationQuery, { token: customer.accessToken, variables: { orderId } });
    const reported = north(point, 900);
    expect(seen.data?.['courierLocation']).toEqual({
      latitude: expect.closeTo(reported.latitude, 9),
      longitude: expect.closeTo(reported.longitude, 9),
      courier: { id: courier.id },
    });
    const otherCustomer = await registerUser(test, 'CUSTOMER');
    expect(firstCode(await test.query(locationQuery, { token: otherCustomer.accessToken, variables: { orderId } }))).toBe('NOT_FOUND');
  });

  it('should refuse a wrong delivery code, lock after the last attempt, and complete with the right one', async () => {
    const { orderId, offerId, courier } = await assignedOrder();
    const early = await confirmDelivery(courier, orderId, '000000');
    expect(firstCode(early)).toBe('CONFLICT'); // not picked up yet
    await test.query(`mutation ($orderId: ID!) { pickUpOrder(orderId: $orderId) { status } }`, {
      token: courier.accessToken,
      variables: { orderId },
    });

    const right = deliveryCode(CODE_SECRET, orderId, offerId);
    const wrong = right === '123456' ? '654321' : '123456';
    const refused = await confirmDelivery(courier, orderId, wrong);
    expect(firstCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toContain('2 attempt(s) left');

    const completed = await confirmDelivery(courier, orderId, right);
    expect(completed.data?.['confirmDelivery']).toMatchObject({ status: 'DELIVERED' });
    const [event] = await orderEvents.waitFor(ofOrder('delivery.completed', orderId));
    expect(event!.envelope!.data).toMatchObject({ orderId, courierId: courier.id });
  });

  it('should refuse every code once the wrong attempts are used up', async () => {
    const { orderId, offerId, courier } = await assignedOrder();
    await test.query(`mutation ($orderId: ID!) { pickUpOrder(orderId: $orderId) { status } }`, {
      token: courier.accessToken,
      variables: { orderId },
    });
    const right = deliveryCode(CODE_SECRET, orderId, offerId);
    const wrong = right === '123456' ? '654321' : '123456';
    expect(firstCode(await confirmDelivery(courier, orderId, wrong))).toBe('BAD_USER_INPUT');
    expect(firstCode(await confirmDelivery(courier, orderId, wrong))).toBe('BAD_USER_INPUT');
    expect(firstCode(await confirmDelivery(courier, orderId, wrong))).toBe('CONFLICT');
    expect(firstCode(await confirmDelivery(courier, orderId, right))).toBe('CONFLICT');
  });

  it('should compare no more codes than the limit, even when they are all sent at once', async () => {
    const { orderId, offerId, courier } = await assignedOrder();
    await test.query(`mutation ($orderId: ID!) { pickUpOrder(orderId: $orderId) { status } }`, {
      token: courier.accessToken,
      variables: { orderId },
    });
    const right = deliveryCode(CODE_SECRET, orderId, offerId);
    const guesses = Array.from({ length: 12 }, (_, index) => String((Number(right) + 1 + index) % 1_000_000).padStart(6, '0'));
    // In process, so that the twelve tries really overlap: each reads the delivery before any has counted.
    const client = (test.platform.subgraphs.get('couriers') as StartedSubgraph<PrismaLike>).database.client as unknown as CouriersDatabase;
    const service = new DeliveryService(deliveryStore(client), {
      vehicleCylinderClasses: parseVehicleCylinderRules(DEFAULT_VEHICLE_CYLINDER_CLASSES),
      offerSeconds: OFFER_SECONDS,
      assignmentTimeoutSeconds: ASSIGNMENT_TIMEOUT_SECONDS,
      assignmentSweepMs: 200,
      locationMinIntervalMs: 5000,
      deliveryCodeMaxAttempts: 3,
      deliveryCodeSecret: CODE_SECRET,
    });
    const viewer: Viewer = {
      userId: courier.id,
      roles: [Role.COURIER],
      tokenId: randomUUID(),
      issuedAt: 0,
      expiresAt: 0,
      mfaAuthenticatedAt: null,
      verified: true,
    };
    const origin = { source: 'couriers', correlationId: randomUUID() };
    const answers = await Promise.allSettled(guesses.map((guess) => service.complete(viewer, orderId, guess, null, origin)));
    const codes = answers.map((answer) =>
      answer.status === 'rejected' ? (answer.reason as { extensions?: { code?: string } }).extensions?.code : 'DELIVERED',
    );
    // Each try takes an attempt before its code is compared: two are told how many are left, the rest are refused unread.
    expect(codes.sort()).toEqual([...Array(2).fill('BAD_USER_INPUT'), ...Array(10).fill('CONFLICT')]);
    expect((await client.delivery.findUniqueOrThrow({ where: { orderId } })).codeAttempts).toBe(3);
    expect(firstCode(await confirmDelivery(courier, orderId, right))).toBe('CONFLICT');
  });

  it('should announce the code to the customer without putting it on the bus', async () => {
    const { orderId, offerId } = await assignedOrder();
    const [issued] = await orderEvents.waitFor(ofOrder('delivery.code_issued', orderId));
    expect(issued!.envelope!.schemaVersion).toBe(2);
    expect(issued!.envelope!.data).not.toHaveProperty('code');
    expect(JSON.stringify(issued!.envelope)).not.toContain(deliveryCode(CODE_SECRET, orderId, offerId));
  });

  it('should withdraw an open offer when the courier goes offline', async () => {
    const point = region();
    const leaving = await onlineCourier(north(point, 500));
    const staying = await onlineCourier(north(point, 1_500));
    const orderId = await confirmOrder(point);
    const [offer] = await offers(orderId, 1);
    expect(offer!.courierId).toBe(leaving.id);
    await test.query(`mutation { setCourierAvailability(availability: OFFLINE) { availability } }`, { token: leaving.accessToken });
    const [, next] = await offers(orderId, 2);
    expect(next!.courierId).toBe(staying.id);
    expect(firstCode(await accept(leaving, offer!.offerId))).toBe('CONFLICT');
    await eventually(async () => ((await accept(staying, next!.offerId)).errors === undefined ? true : undefined), 15_000, 'acceptance');
  });
});

// ---------------------------------------------------------------------------
// With orders: a real order from confirmation to delivery
// ---------------------------------------------------------------------------

describe('a cash order carried by a courier', () => {
  it('should assign, pick up and deliver the order through orders, with the code the customer reads', async () => {
    const supplier = await supplierWithStore(test, 'Gás Paulista');
    const customer = await registerUser(test, 'CUSTOMER', 'Joana Cliente');
    const created = await test.query('mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }', {
      token: supplier.accessToken,
      variables: {
        input: {
          name: 'Botijão P13',
          cylinderType: 'P13',
          saleType: 'FULL_WITH_CYLINDER',
          priceAmount: 11_000,
          stockQuantity: 50,
        },
      },
    });
    const productId = created.data?.['createProduct']?.id as string;
    expect(productId).toBeDefined();
    // Rua Augusta, São Paulo; the courier serves the centre of the city.
    const home = { latitude: -23.556123, longitude: -46.658987 };
    const courier = await onlineCourier({ latitude: -23.5503, longitude: -46.6342 });
    const storeId = await onlyStoreOf(test, supplier);

    const orderId = await eventually(
      async () => {
        const placed = await test.query('mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', {
          token: customer.accessToken,
          variables: {
            input: {
              storeId,
              items: [{ productId, quantity: 2 }],
              paymentMethod: 'CASH_ON_DELIVERY',
              deliveryAddress: {
                street: 'Rua Augusta',
                number: '1200',
                district: 'Consolação',
                city: 'São Paulo',
                state: 'SP',
                postalCode: '01304-001',
                ...home,
              },
            },
          },
        });
        // Orders learns of the product from products' events; retry until it has.
        return (placed.data?.['placeOrder']?.id as string | undefined) ?? undefined;
      },
      20_000,
      'the order to be placed',
    );

    const [offer] = await offers(orderId, 1, 30_000);
    expect(offer!.courierId).toBe(courier.id);
    expect((await accept(courier, offer!.offerId)).errors).toBeUndefined();

    const orderView = `query ($id: ID!) { order(id: $id) { status courier { id vehicleType } deliveryCode delivery { status } history { to actorId actorRole } } }`;
    const seen = await test.query(orderView, { token: customer.accessToken, variables: { id: orderId } });
    expect(seen.data?.['order']).toMatchObject({
      status: 'CONFIRMED',
      courier: { id: courier.id, vehicleType: 'PICKUP' },
      delivery: { status: 'ASSIGNED' },
    });
    const code = seen.data?.['order']?.deliveryCode as string;
    expect(code).toMatch(/^\d{6}$/);
    // Only the customer reads the code.
    const bySupplier = await test.query(orderView, { token: supplier.accessToken, variables: { id: orderId } });
    expect(bySupplier.data?.['order']).toMatchObject({ courier: { id: courier.id }, deliveryCode: null });

    await test.query(`mutation ($orderId: ID!) { pickUpOrder(orderId: $orderId) { status } }`, {
      token: courier.accessToken,
      variables: { orderId },
    });
    const [inTransit] = await orderEvents.waitFor(ofOrder('order.in_transit', orderId));
    expect(inTransit!.envelope!.data).toMatchObject({ courierId: courier.id });

    expect((await confirmDelivery(courier, orderId, code)).errors).toBeUndefined();
    const [delivered] = await orderEvents.waitFor(ofOrder('order.delivered', orderId));
    expect(delivered!.envelope!.data).toMatchObject({ courierId: courier.id, paymentMethod: 'CASH_ON_DELIVERY' });
    const after = await test.query(orderView, { token: customer.accessToken, variables: { id: orderId } });
    expect(after.data?.['order']).toMatchObject({ status: 'DELIVERED', deliveryCode: null, delivery: { status: 'DELIVERED' } });
    expect(after.data?.['order']?.history.slice(-2)).toEqual([
      { to: 'IN_TRANSIT', actorId: courier.id, actorRole: 'SYSTEM' },
      { to: 'DELIVERED', actorId: courier.id, actorRole: 'SYSTEM' },
    ]);
  }, 90_000);
});
