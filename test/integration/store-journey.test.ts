import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruaAugusta } from '../support/delivery-address.js';
import { eventually } from '../support/event-probe.js';
import { verifiedUser } from '../support/onboarding.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { openStore } from '../support/stores.js';
import { registerUser, type SignedInUser } from '../support/users.js';

/**
 * Issue 17's journey, through the gateway on the real PostgreSQL and Kafka: a supplier sets up a
 * store in Vila Mariana that answers its orders itself, a customer in Consolação finds who
 * delivers a P13 troca to their saved address, orders from the store, the store accepts, the
 * courier nearer the store (not the one nearer the customer) is offered the delivery with both
 * legs, picks the gas up at the store and hands it over against the customer's code, collecting
 * the empty.
 */
let test: TestPlatform;
let supplier: SignedInUser;
let customer: SignedInUser;
let nearStore: SignedInUser;
let nearCustomer: SignedInUser;

const vilaMariana = { latitude: -23.5893, longitude: -46.6345 };
/** Rua Augusta, Consolação: 4.3 km from the store. */
const home = { latitude: ruaAugusta.latitude, longitude: ruaAugusta.longitude };

beforeAll(async () => {
  test = await startTestPlatform({ COURIERS_ASSIGNMENT_SWEEP_MS: '200' });
  [supplier, customer, nearStore, nearCustomer] = await Promise.all([
    verifiedUser(test, 'SUPPLIER', 'Gás Paulista'),
    registerUser(test, 'CUSTOMER', 'Ana Cliente'),
    verifiedUser(test, 'COURIER', 'Carlos Entregador'),
    verifiedUser(test, 'COURIER', 'Joana Motorista'),
  ]);
}, 120_000);

afterAll(async () => {
  await test?.stop();
});

async function ok<Data>(query: string, token: string | undefined, variables: Record<string, unknown> = {}): Promise<Data> {
  const result = await test.query<Data>(query, { ...(token === undefined ? {} : { token }), variables });
  if (result.errors !== undefined || result.data === undefined || result.data === null) {
    throw new Error(`${query.slice(0, 60)}… failed: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

async function courierOnline(courier: SignedInUser, at: { latitude: number; longitude: number }): Promise<void> {
  await ok('mutation ($input: CourierProfileInput!) { saveCourierProfile(input: $input) { id } }', courier.accessToken, {
    input: {
      vehicleType: 'MOTORCYCLE',
      vehiclePlate: 'GAS2R26',
      capacity: [{ cylinderType: 'P13', quantity: 2 }],
      serviceArea: { ...at, radiusKm: 20 },
    },
  });
  await ok('mutation { setCourierAvailability(availability: ONLINE) { availability } }', courier.accessToken);
}

describe('a store on the map, from set-up to the door', () => {
  it('store set-up → storesNear → order → acceptOrder → dispatch from the store → troca with the empty collected → delivered', async () => {
    const storeId = await openStore(test, supplier, {
      name: 'Gás Paulista Vila Mariana',
      address: {
        street: 'Rua Domingos de Morais',
        number: '1200',
        district: 'Vila Mariana',
        city: 'São Paulo',
        state: 'SP',
        postalCode: '04010100',
        ...vilaMariana,
      },
      deliveryArea: { radiusKm: 6 },
      deliveryFee: { baseAmount: 500, perKmAmount: 150, freeAboveAmount: null },
      autoAccept: false,
    });
    const { createProduct: troca } = await ok<{ createProduct: { id: string } }>(
      'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
      supplier.accessToken,
      {
        input: {
          storeId,
          name: 'Botijão P13 (troca)',
          cylinderType: 'P13',
          saleType: 'REFILL_EXCHANGE',
          priceAmount: 11_500,
          stockQuantity: 20,
        },
      },
    );
    await ok('mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }', supplier.accessToken, {
      input: {
        storeId,
        name: 'Botijão P13 completo',
        cylinderType: 'P13',
        saleType: 'FULL_WITH_CYLINDER',
        priceAmount: 32_000,
        stockQuantity: 5,
      },
    });

    // The customer saves their address and asks who delivers a P13 troca there.
    const { saveAddress } = await ok<{ saveAddress: { id: string } }>(
      'mutation ($input: SaveAddressInput!) { saveAddress(input: $input) { id } }',
      customer.accessToken,
      {
        input: {
          label: 'Casa',
          ...ruaAugusta,
          deliveryNotes: 'Portão azul',
        },
      },
    );
    type Nearby = {
      storesNear: Array<{
        store: { id: string; name: string };
        status: string;
        distanceMeters: number;
        deliveryFee: { amount: number };
        total: { amount: number };
        estimatedMinutes: number;
        products: Array<{ id: string; saleType: string }>;
      }>;
    };
    // Products learns the saved address by event (address.saved): until then the address is NOT_FOUND there.
    const nearby = await eventually(
      async () => {
        const found = await test.query<Nearby>(
          'query ($near: StoresNearInput!) { storesNear(near: $near, cylinderType: P13, saleType: REFILL_EXCHANGE) { store { id name } status distanceMeters deliveryFee { amount } total { amount } estimatedMinutes products { id saleType } } }',
          { token: customer.accessToken, variables: { near: { addressId: saveAddress.id } } },
        );
        return found.data?.storesNear.find((result) => result.store.id === storeId);
      },
      20_000,
      'the store to deliver to the saved address',
    );
    expect(nearby.status).toBe('OPEN');
    expect(nearby.distanceMeters).toBeGreaterThan(4_000);
    expect(nearby.distanceMeters).toBeLessThan(4_600);
    // R$ 5,00 + R$ 1,50 per km, by the 100 m: 4.3–4.6 km costs R$ 11,45–11,90.
    expect(nearby.deliveryFee.amount).toBeGreaterThanOrEqual(1_145);
    expect(nearby.deliveryFee.amount).toBeLessThanOrEqual(1_190);
    expect(nearby.total.amount).toBe(11_500 + nearby.deliveryFee.amount);
    expect(nearby.products).toEqual([{ id: troca.id, saleType: 'REFILL_EXCHANGE' }]);

    // Two couriers: one waiting beside the customer, one beside the store.
    await courierOnline(nearCustomer, { latitude: home.latitude + 0.002, longitude: home.longitude });
    await courierOnline(nearStore, { latitude: vilaMariana.latitude + 0.004, longitude: vilaMariana.longitude });

    // Orders learns the store, the product and the address by event: placing waits for them.
    const { placeOrder: placed } = await eventually(
      async () => {
        const result = await test.query<{ placeOrder: { id: string; promisedBy: string; deliveryFee: { amount: number } } }>(
          'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id promisedBy deliveryFee { amount } } }',
          {
            token: customer.accessToken,
            variables: {
              input: {
                storeId,
                items: [{ productId: troca.id, quantity: 1 }],
                addressId: saveAddress.id,
                paymentMethod: 'CASH_ON_DELIVERY',
              },
            },
          },
        );
        return result.data?.placeOrder ? result.data : undefined;
      },
      20_000,
      'the order to be placed',
    );
    expect(placed.deliveryFee.amount).toBe(nearby.deliveryFee.amount);
    expect(new Date(placed.promisedBy).getTime()).toBeGreaterThan(Date.now());

    type OrderView = { order: { status: string; acceptBy: string | null } };
    const orderView = 'query ($id: ID!) { order(id: $id) { status acceptBy } }';
    const waiting = await eventually(
      async () => {
        const { order } = await ok<OrderView>(orderView, supplier.accessToken, { id: placed.id });
        return order.status === 'AWAITING_ACCEPTANCE' ? order : undefined;
      },
      20_000,
      'the order to wait for the store',
    );
    expect(waiting.acceptBy).not.toBeNull();
    await ok('mutation ($id: ID!) { acceptOrder(id: $id) { status } }', supplier.accessToken, { id: placed.id });

    // The courier beside the store is offered it first, with both legs of the ride.
    type Offers = {
      myDeliveryOffers: Array<{
        id: string;
        order: { id: string };
        pickup: { storeName: string; latitude: number } | null;
        pickupDistanceMeters: number | null;
        dropOffDistanceMeters: number | null;
        distanceMeters: number;
      }>;
    };
    const offersQuery =
      '{ myDeliveryOffers { id order { id } pickup { storeName latitude } pickupDistanceMeters dropOffDistanceMeters distanceMeters } }';
    const offer = await eventually(
      async () =>
        (await ok<Offers>(offersQuery, nearStore.accessToken)).myDeliveryOffers.find((candidate) => candidate.order.id === placed.id),
      20_000,
      'the courier near the store to be offered the order',
    );
    expect((await ok<Offers>(offersQuery, nearCustomer.accessToken)).myDeliveryOffers).toEqual([]);
    expect(offer.pickup).toEqual({ storeName: 'Gás Paulista Vila Mariana', latitude: vilaMariana.latitude });
    expect(offer.pickupDistanceMeters).toBeLessThan(1_000);
    expect(offer.dropOffDistanceMeters).toBe(nearby.distanceMeters);
    expect(offer.distanceMeters).toBe((offer.pickupDistanceMeters ?? 0) + (offer.dropOffDistanceMeters ?? 0));

    await ok('mutation ($id: ID!) { acceptDeliveryOffer(offerId: $id) { status } }', nearStore.accessToken, { id: offer.id });
    await ok('mutation ($id: ID!) { pickUpOrder(orderId: $id) { status } }', nearStore.accessToken, { id: placed.id });
    const { order: withCode } = await eventually(
      async () => {
        const seen = await ok<{ order: { status: string; deliveryCode: string | null } }>(
          'query ($id: ID!) { order(id: $id) { status deliveryCode } }',
          customer.accessToken,
          { id: placed.id },
        );
        return seen.order.status === 'IN_TRANSIT' && seen.order.deliveryCode !== null ? seen : undefined;
      },
      20_000,
      'the order to be in transit',
    );

    // Troca: the customer hands back the empty P13.
    await ok(
      'mutation ($id: ID!, $code: String!, $empties: [EmptiesCollectedInput!]) { confirmDelivery(orderId: $id, code: $code, emptiesCollected: $empties) { status } }',
      nearStore.accessToken,
      { id: placed.id, code: withCode.deliveryCode, empties: [{ cylinderType: 'P13', quantity: 1 }] },
    );
    type Delivered = {
      order: {
        status: string;
        history: Array<{ to: string }>;
        emptiesShortfall: { amount: number } | null;
        items: Array<{ emptiesCollected: number | null }>;
        store: { name: string };
      };
    };
    const delivered = await eventually(
      async () => {
        const seen = await ok<Delivered>(
          'query ($id: ID!) { order(id: $id) { status history { to } emptiesShortfall { amount } items { emptiesCollected } store { name } } }',
          customer.accessToken,
          { id: placed.id },
        );
        return seen.order.status === 'DELIVERED' && seen.order.emptiesShortfall !== null ? seen.order : undefined;
      },
      20_000,
      'the order to be delivered',
    );
    expect(delivered.history.map((change) => change.to)).toEqual([
      'PENDING_PAYMENT',
      'AWAITING_ACCEPTANCE',
      'CONFIRMED',
      'IN_TRANSIT',
      'DELIVERED',
    ]);
    expect(delivered.emptiesShortfall).toEqual({ amount: 0 });
    expect(delivered.items).toEqual([{ emptiesCollected: 1 }]);
    expect(delivered.store).toEqual({ name: 'Gás Paulista Vila Mariana' });
  }, 180_000);
});
