import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaLike, StartedSubgraph } from '#kit';
import type { CouriersDatabase } from '../../subgraphs/couriers/src/database.js';
import { deliveryCode } from '../../subgraphs/couriers/src/delivery/delivery-code.js';
import { eventually, probeEvents, publishEvent, type EventProbe } from '../support/event-probe.js';
import { firstCode } from '../support/graphql-client.js';
import { verifiedUser } from '../support/onboarding.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import type { SignedInUser } from '../support/users.js';
import { ORDER_TOPIC, OrderEvents } from '../../subgraphs/orders/src/events/index.js';
import { UserEvents } from '../../subgraphs/accounts/src/events/index.js';

// Dispatch from the store (issue 17): both legs, the supplier's fleet first, vehicles and load,
// empties collected at the door. Orders are confirmed by publishing order.confirmed as orders does.

const CODE_SECRET = 'test-delivery-code-secret-0123456789';
const ASSIGNMENT_TIMEOUT_SECONDS = 6;

let test: TestPlatform;
let orderEvents: EventProbe;
beforeAll(async () => {
  test = await startTestPlatform({
    COURIERS_OFFER_SECONDS: '30',
    COURIERS_ASSIGNMENT_TIMEOUT_SECONDS: String(ASSIGNMENT_TIMEOUT_SECONDS),
    COURIERS_ASSIGNMENT_SWEEP_MS: '200',
    COURIERS_DELIVERY_CODE_SECRET: CODE_SECRET,
  });
  orderEvents = await probeEvents(test.platform.eventBus, [ORDER_TOPIC]);
}, 120_000);
afterAll(async () => {
  await orderEvents?.stop();
  await test?.stop();
});

interface Point {
  latitude: number;
  longitude: number;
}
type CylinderType = 'P2' | 'P5' | 'P8' | 'P13' | 'P20' | 'P45' | 'P90';
interface Load {
  cylinderType: CylinderType;
  quantity: number;
  emptiesToCollect: number;
}

/** Each test in a region of its own, farther apart than any service area, so couriers never cross tests. */
let nextRegion = 0;
function region(): Point {
  nextRegion += 1;
  return { latitude: -28 + nextRegion * 2.5, longitude: -58 + nextRegion * 2.5 };
}

/** `meters` north of `point`. */
const north = (point: Point, meters: number): Point => ({ latitude: point.latitude + meters / 111_195, longitude: point.longitude });

const storeAt = (point: Point) => ({
  storeId: randomUUID(),
  storeName: 'Gás Paulista Consolação',
  street: 'Rua da Consolação',
  number: '1500',
  district: 'Consolação',
  city: 'São Paulo',
  state: 'SP',
  ...point,
});

async function onlineCourier(
  areaCentre: Point,
  options: { vehicleType?: string; capacity?: Array<{ cylinderType: CylinderType; quantity: number }>; radiusKm?: number } = {},
): Promise<SignedInUser> {
  const courier = await verifiedUser(test, 'COURIER', 'Carlos Entregador');
  const saved = await test.query(`mutation ($input: CourierProfileInput!) { saveCourierProfile(input: $input) { id } }`, {
    token: courier.accessToken,
    variables: {
      input: {
        vehicleType: options.vehicleType ?? 'PICKUP',
        vehiclePlate: 'ABC1D23',
        capacity: options.capacity ?? [{ cylinderType: 'P13', quantity: 10 }],
        serviceArea: { latitude: areaCentre.latitude, longitude: areaCentre.longitude, radiusKm: options.radiusKm ?? 10 },
      },
    },
  });
  expect(saved.errors).toBeUndefined();
  const online = await test.query(`mutation { setCourierAvailability(availability: ONLINE) { availability } }`, {
    token: courier.accessToken,
  });
  expect(online.errors).toBeUndefined();
  return courier;
}

/** Publishes order.confirmed as orders does since stores: with the pickup, the cylinders by class and the promised time. */
async function confirmOrder(options: {
  dropOff: Point;
  pickup: ReturnType<typeof storeAt>;
  supplierId?: string;
  cylinders?: Load[];
  promisedBy?: string;
}): Promise<string> {
  const orderId = randomUUID();
  const cylinders = options.cylinders ?? [{ cylinderType: 'P13', quantity: 1, emptiesToCollect: 1 }];
  await publishEvent(test.platform.eventBus, OrderEvents.confirmed, orderId, {
    orderId,
    customerId: randomUUID(),
    supplierId: options.supplierId ?? randomUUID(),
    totalAmount: 12_000,
    currency: 'BRL',
    paymentMethod: 'PIX',
    cylinderCount: cylinders.reduce((sum, load) => sum + load.quantity, 0),
    deliveryLocation: options.dropOff,
    pickup: options.pickup,
    cylinders,
    promisedBy: options.promisedBy ?? new Date(Date.now() + 60 * 60_000).toISOString(),
    confirmedAt: new Date().toISOString(),
  });
  return orderId;
}

interface OfferedData {
  courierId: string;
  offerId: string;
  distanceMeters: number;
  pickupDistanceMeters?: number;
  dropOffDistanceMeters?: number;
}

const ofOrder = (type: string, orderId: string) => (event: { envelope?: { type: string; data: any } | undefined }) =>
  event.envelope?.type === type && event.envelope.data.orderId === orderId;

async function offers(orderId: string, count: number): Promise<OfferedData[]> {
  const events = await orderEvents.waitFor(ofOrder('courier.offered', orderId), count, 20_000);
  return events.map((event) => event.envelope!.data as OfferedData);
}

const couriersDatabase = () =>
  (test.platform.subgraphs.get('couriers') as StartedSubgraph<PrismaLike>).database.client as unknown as CouriersDatabase;

describe('dispatch from the store', () => {
  it('offers the order to the courier nearer the store over the one nearer the customer, and shows both legs', async () => {
    const customer = region();
    const store = storeAt(north(customer, 4_000));
    const byTheCustomer = await onlineCourier(north(customer, 200));
    const byTheStore = await onlineCourier(north(customer, 4_300));

    const promisedBy = new Date(Date.now() + 45 * 60_000).toISOString();
    const orderId = await confirmOrder({ dropOff: customer, pickup: store, promisedBy });
    const [offer] = await offers(orderId, 1);
    expect(offer!.courierId).toBe(byTheStore.id);
    expect(offer!.pickupDistanceMeters).toBeGreaterThan(250);
    expect(offer!.pickupDistanceMeters).toBeLessThan(350);
    expect(offer!.dropOffDistanceMeters).toBeGreaterThan(3_950);
    expect(offer!.dropOffDistanceMeters).toBeLessThan(4_050);
    expect(offer!.distanceMeters).toBe(offer!.pickupDistanceMeters! + offer!.dropOffDistanceMeters!);

    const open = await test.query(
      `{ myDeliveryOffers { id distanceMeters pickupDistanceMeters dropOffDistanceMeters promisedBy
           pickup { store { id } storeId storeName street number district city state latitude longitude }
           cylinders { cylinderType quantity emptiesToCollect emptiesCollected } } }`,
      { token: byTheStore.accessToken },
    );
    expect(open.errors).toBeUndefined();
    const { storeId, storeName, street, number, district, city, state } = store;
    expect(open.data?.['myDeliveryOffers']).toEqual([
      {
        id: offer!.offerId,
        distanceMeters: offer!.distanceMeters,
        pickupDistanceMeters: offer!.pickupDistanceMeters,
        dropOffDistanceMeters: offer!.dropOffDistanceMeters,
        promisedBy,
        pickup: {
          store: { id: storeId },
          storeId,
          storeName,
          street,
          number,
          district,
          city,
          state,
          latitude: store.latitude,
          longitude: store.longitude,
        },
        cylinders: [{ cylinderType: 'P13', quantity: 1, emptiesToCollect: 1, emptiesCollected: null }],
      },
    ]);
    const none = await test.query(`{ myDeliveryOffers { id } }`, { token: byTheCustomer.accessToken });
    expect(none.data?.['myDeliveryOffers']).toEqual([]);
  }, 60_000);

  it("offers a supplier's order to its fleet before a nearer platform courier", async () => {
    const customer = region();
    const store = storeAt(north(customer, 2_000));
    const supplier = await verifiedUser(test, 'SUPPLIER', 'Gás Paulista');
    const fleetCourier = await onlineCourier(north(customer, 6_000));
    const platformCourier = await onlineCourier(north(customer, 2_000));

    const fleetFields = 'id fleet { id }';
    const added = await test.query(`mutation ($courierId: ID!) { addFleetCourier(courierId: $courierId) { ${fleetFields} } }`, {
      token: supplier.accessToken,
      variables: { courierId: fleetCourier.id },
    });
    expect(added.data?.['addFleetCourier']).toEqual({ id: fleetCourier.id, fleet: { id: supplier.id } });
    const fleet = await test.query(`{ myFleet { id availability } }`, { token: supplier.accessToken });
    expect(fleet.data?.['myFleet']).toEqual([{ id: fleetCourier.id, availability: 'ONLINE' }]);
    const own = await test.query(`{ myCourierProfile { fleet { id } } }`, { token: fleetCourier.accessToken });
    expect(own.data?.['myCourierProfile']).toEqual({ fleet: { id: supplier.id } });

    // One fleet at a time: another supplier cannot take the courier.
    const rival = await verifiedUser(test, 'SUPPLIER', 'Gás Rival');
    const taken = await test.query(`mutation ($courierId: ID!) { addFleetCourier(courierId: $courierId) { id } }`, {
      token: rival.accessToken,
      variables: { courierId: fleetCourier.id },
    });
    expect(firstCode(taken)).toBe('COURIER_IN_ANOTHER_FLEET');
    expect(taken.errors?.[0]?.extensions?.['courierId']).toBe(fleetCourier.id);
    expect(
      firstCode(await test.query(`mutation { addFleetCourier(courierId: "${randomUUID()}") { id } }`, { token: rival.accessToken })),
    ).toBe('NOT_FOUND');
    expect(firstCode(await test.query(`mutation { leaveFleet { id } }`, { token: supplier.accessToken }))).toBe('FORBIDDEN');

    const orderId = await confirmOrder({ dropOff: customer, pickup: store, supplierId: supplier.id });
    const [offer] = await offers(orderId, 1);
    expect(offer!.courierId).toBe(fleetCourier.id);
    expect(offer!.pickupDistanceMeters).toBeGreaterThan(3_900);

    // The platform courier, at the store, gets another supplier's order from the same store.
    const otherOrder = await confirmOrder({ dropOff: customer, pickup: store });
    const [otherOffer] = await offers(otherOrder, 1);
    expect(otherOffer!.courierId).toBe(platformCourier.id);

    const left = await test.query(`mutation { leaveFleet { ${fleetFields} } }`, { token: fleetCourier.accessToken });
    expect(left.data?.['leaveFleet']).toEqual({ id: fleetCourier.id, fleet: null });
    expect((await test.query(`{ myFleet { id } }`, { token: supplier.accessToken })).data?.['myFleet']).toEqual([]);
    const removed = await test.query(`mutation ($courierId: ID!) { removeFleetCourier(courierId: $courierId) { id } }`, {
      token: supplier.accessToken,
      variables: { courierId: fleetCourier.id },
    });
    expect(firstCode(removed)).toBe('NOT_FOUND');
  }, 90_000);

  it("releases a deleted supplier's fleet to the platform", async () => {
    const supplier = await verifiedUser(test, 'SUPPLIER', 'Gás Que Fechou');
    const courier = await onlineCourier(region());
    await test.query(`mutation ($courierId: ID!) { addFleetCourier(courierId: $courierId) { id } }`, {
      token: supplier.accessToken,
      variables: { courierId: courier.id },
    });
    const fleetOf = async () =>
      (await test.query(`{ myCourierProfile { fleet { id } } }`, { token: courier.accessToken })).data?.['myCourierProfile']?.fleet;
    expect(await fleetOf()).toEqual({ id: supplier.id });
    await publishEvent(test.platform.eventBus, UserEvents.deleted, supplier.id, { userId: supplier.id, roles: ['SUPPLIER'] });
    await eventually(async () => ((await fleetOf()) === null ? true : undefined), 15_000, 'fleet released');
  }, 60_000);
});

describe('vehicles and load', () => {
  it('never offers a P45 to a motorcycle, however near, and gives up when nobody else can carry it', async () => {
    const customer = region();
    const store = storeAt(north(customer, 1_000));
    const motorcycle = await onlineCourier(store, { vehicleType: 'MOTORCYCLE', capacity: [{ cylinderType: 'P13', quantity: 4 }] });
    const truck = await onlineCourier(north(customer, 8_000), {
      vehicleType: 'TRUCK',
      capacity: [
        { cylinderType: 'P13', quantity: 40 },
        { cylinderType: 'P45', quantity: 10 },
      ],
    });

    const industrial = await confirmOrder({
      dropOff: customer,
      pickup: store,
      cylinders: [{ cylinderType: 'P45', quantity: 1, emptiesToCollect: 0 }],
    });
    const [offer] = await offers(industrial, 1);
    expect(offer!.courierId).toBe(truck.id);
    const declined = await test.query(`mutation ($offerId: ID!) { declineDeliveryOffer(offerId: $offerId) { status } }`, {
      token: truck.accessToken,
      variables: { offerId: offer!.offerId },
    });
    expect(declined.errors).toBeUndefined();
    // The search goes on until it gives up; the motorcycle, free and at the store, is never asked.
    const [notFound] = await orderEvents.waitFor(ofOrder('courier.not_found', industrial), 1, (ASSIGNMENT_TIMEOUT_SECONDS + 15) * 1000);
    expect(notFound!.envelope!.data).toMatchObject({ offersMade: 1 });
    const offered = orderEvents
      .ofType('courier.offered')
      .filter(ofOrder('courier.offered', industrial))
      .map((event) => event.envelope!.data.courierId);
    expect(offered).toEqual([truck.id]);

    // A household P13 from the same store goes to the motorcycle.
    const household = await confirmOrder({
      dropOff: customer,
      pickup: store,
      cylinders: [{ cylinderType: 'P13', quantity: 2, emptiesToCollect: 2 }],
    });
    const [toMotorcycle] = await offers(household, 1);
    expect(toMotorcycle!.courierId).toBe(motorcycle.id);
  }, 90_000);

  it('offers a mixed load only to a vehicle with room for all of it, each class taking its share of capacity', async () => {
    const customer = region();
    const store = storeAt(north(customer, 500));
    // Four P13 or two P45 fill the van.
    const van = await onlineCourier(store, {
      vehicleType: 'VAN',
      capacity: [
        { cylinderType: 'P13', quantity: 4 },
        { cylinderType: 'P45', quantity: 2 },
      ],
    });
    const tooMuch = await confirmOrder({
      dropOff: customer,
      pickup: store,
      cylinders: [
        { cylinderType: 'P13', quantity: 3, emptiesToCollect: 0 },
        { cylinderType: 'P45', quantity: 1, emptiesToCollect: 0 },
      ],
    });
    const [notFound] = await orderEvents.waitFor(ofOrder('courier.not_found', tooMuch), 1, (ASSIGNMENT_TIMEOUT_SECONDS + 15) * 1000);
    expect(notFound!.envelope!.data).toMatchObject({ offersMade: 0 });

    const justFits = await confirmOrder({
      dropOff: customer,
      pickup: store,
      cylinders: [
        { cylinderType: 'P13', quantity: 2, emptiesToCollect: 0 },
        { cylinderType: 'P45', quantity: 1, emptiesToCollect: 0 },
      ],
    });
    const [offer] = await offers(justFits, 1);
    expect(offer!.courierId).toBe(van.id);
  }, 60_000);
});

describe('empties collected at the door', () => {
  const confirmDelivery = (courier: SignedInUser, orderId: string, code: string, emptiesCollected?: unknown) =>
    test.query(
      `mutation ($orderId: ID!, $code: String!, $emptiesCollected: [EmptiesCollectedInput!]) {
        confirmDelivery(orderId: $orderId, code: $code, emptiesCollected: $emptiesCollected) {
          status cylinders { cylinderType quantity emptiesToCollect emptiesCollected }
        }
      }`,
      { token: courier.accessToken, variables: { orderId, code, ...(emptiesCollected === undefined ? {} : { emptiesCollected }) } },
    );

  it('requires them for a troca, refuses more than expected without spending a code attempt, and publishes them', async () => {
    const customer = region();
    const store = storeAt(north(customer, 1_500));
    const courier = await onlineCourier(store, {
      capacity: [
        { cylinderType: 'P5', quantity: 4 },
        { cylinderType: 'P13', quantity: 10 },
      ],
    });
    const orderId = await confirmOrder({
      dropOff: customer,
      pickup: store,
      cylinders: [
        { cylinderType: 'P13', quantity: 2, emptiesToCollect: 2 },
        { cylinderType: 'P5', quantity: 1, emptiesToCollect: 0 },
      ],
    });
    const [offer] = await offers(orderId, 1);
    expect(
      (await test.query(`mutation { acceptDeliveryOffer(offerId: "${offer!.offerId}") { status } }`, { token: courier.accessToken }))
        .errors,
    ).toBeUndefined();
    expect(
      (await test.query(`mutation { pickUpOrder(orderId: "${orderId}") { status } }`, { token: courier.accessToken })).errors,
    ).toBeUndefined();
    const code = deliveryCode(CODE_SECRET, orderId, offer!.offerId);

    const missing = await confirmDelivery(courier, orderId, code);
    expect(firstCode(missing)).toBe('BAD_USER_INPUT');
    expect(missing.errors?.[0]?.extensions?.['fields']).toEqual([
      { field: 'emptiesCollected', message: expect.stringContaining('2 × P13') },
    ]);
    const tooMany = await confirmDelivery(courier, orderId, code, [{ cylinderType: 'P13', quantity: 3 }]);
    expect(tooMany.errors?.[0]?.extensions?.['fields']).toEqual([{ field: 'emptiesCollected[0].quantity', message: expect.any(String) }]);
    const wrongClass = await confirmDelivery(courier, orderId, code, [{ cylinderType: 'P5', quantity: 1 }]);
    expect(wrongClass.errors?.[0]?.extensions?.['fields']).toEqual([
      { field: 'emptiesCollected[0].cylinderType', message: 'this delivery has no P5 empties to collect' },
    ]);
    expect((await couriersDatabase().delivery.findUniqueOrThrow({ where: { orderId } })).codeAttempts).toBe(0);

    const delivered = await confirmDelivery(courier, orderId, code, [{ cylinderType: 'P13', quantity: 1 }]);
    expect(delivered.errors).toBeUndefined();
    expect(delivered.data?.['confirmDelivery']).toEqual({
      status: 'DELIVERED',
      cylinders: [
        { cylinderType: 'P5', quantity: 1, emptiesToCollect: 0, emptiesCollected: 0 },
        { cylinderType: 'P13', quantity: 2, emptiesToCollect: 2, emptiesCollected: 1 },
      ],
    });
    const [completed] = await orderEvents.waitFor(ofOrder('delivery.completed', orderId));
    expect(completed!.envelope!.data).toMatchObject({ courierId: courier.id, emptiesCollected: [{ cylinderType: 'P13', quantity: 1 }] });

    // The courier's history keeps both legs and the empties; the customer's point only while carrying it.
    const past = await test.query(
      `{ myDeliveries(filter: PAST) { nodes { status pickup { storeName } dropOff { latitude } dropOffDistanceMeters promisedBy
           cylinders { cylinderType emptiesCollected } } } }`,
      { token: courier.accessToken },
    );
    expect(past.errors).toBeUndefined();
    expect(past.data?.['myDeliveries']?.nodes).toEqual([
      {
        status: 'DELIVERED',
        pickup: { storeName: store.storeName },
        dropOff: null,
        dropOffDistanceMeters: expect.any(Number),
        promisedBy: expect.any(String),
        cylinders: [
          { cylinderType: 'P5', emptiesCollected: 0 },
          { cylinderType: 'P13', emptiesCollected: 1 },
        ],
      },
    ]);
  }, 60_000);

  it('needs no empties for a delivery without any to collect, and refuses any sent', async () => {
    const customer = region();
    const store = storeAt(north(customer, 1_000));
    const courier = await onlineCourier(store);
    const orderId = await confirmOrder({
      dropOff: customer,
      pickup: store,
      cylinders: [{ cylinderType: 'P13', quantity: 1, emptiesToCollect: 0 }],
    });
    const [offer] = await offers(orderId, 1);
    await test.query(`mutation { acceptDeliveryOffer(offerId: "${offer!.offerId}") { status } }`, { token: courier.accessToken });
    const current = await test.query(`{ myDeliveries(filter: CURRENT) { nodes { dropOff { latitude longitude } } } }`, {
      token: courier.accessToken,
    });
    expect(current.data?.['myDeliveries']?.nodes).toEqual([{ dropOff: customer }]);
    await test.query(`mutation { pickUpOrder(orderId: "${orderId}") { status } }`, { token: courier.accessToken });
    const code = deliveryCode(CODE_SECRET, orderId, offer!.offerId);
    expect(firstCode(await confirmDelivery(courier, orderId, code, [{ cylinderType: 'P13', quantity: 1 }]))).toBe('BAD_USER_INPUT');
    expect((await confirmDelivery(courier, orderId, code)).data?.['confirmDelivery']?.status).toBe('DELIVERED');
    const [completed] = await orderEvents.waitFor(ofOrder('delivery.completed', orderId));
    expect(completed!.envelope!.data).not.toHaveProperty('emptiesCollected');
  }, 60_000);
});
