import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { GATEWAY_CREDENTIAL_HEADER, defineSettings, sharedSettings, type EventData, type EventDefinition, type Role } from '#kit';
import { AccessTokenIssuer } from '../../subgraphs/accounts/src/signing/access-token-issuer.js';
import { eventually, publishEvent } from '../support/event-probe.js';
import { firstCode, postGraphQL } from '../support/graphql-client.js';
import { startTestPlatform, TEST_GATEWAY_SECRET, type TestPlatform } from '../support/platform.js';
import { accountsInternals, createAdmin, registerUser, STRONG_PASSWORD, uniqueContact, type SignedInUser } from '../support/users.js';
import { UserEvents } from '../../subgraphs/accounts/src/events/index.js';
import { VerificationEvents } from '../../subgraphs/verification/src/events/index.js';

let test: TestPlatform;
beforeAll(async () => {
  test = await startTestPlatform();
});
afterAll(async () => {
  await test?.stop();
});

// ---------------------------------------------------------------------------
// Operations and helpers
// ---------------------------------------------------------------------------

interface CourierView {
  id: string;
  user: { id: string; name: string };
  vehicleType: string;
  vehiclePlate: string | null;
  capacity: Array<{ cylinderType: string; quantity: number }>;
  serviceArea: { latitude: number; longitude: number; radiusKm: number } | null;
  availability: 'ONLINE' | 'OFFLINE';
  availabilityChangedAt: string;
}

const courierFields =
  'id user { id name } vehicleType vehiclePlate capacity { cylinderType quantity } serviceArea { latitude longitude radiusKm } availability availabilityChangedAt';
const saveMutation = `mutation ($input: CourierProfileInput!) { saveCourierProfile(input: $input) { ${courierFields} } }`;
const availabilityMutation = `mutation ($availability: CourierAvailability!) { setCourierAvailability(availability: $availability) { ${courierFields} } }`;
const myProfileQuery = `{ myCourierProfile { ${courierFields} } }`;
const courierQuery = `query ($id: ID!) { courier(id: $id) { ${courierFields} } }`;

/** A motorcycle courier around Praça da Sé, São Paulo. */
const motorcycleProfile = {
  vehicleType: 'MOTORCYCLE',
  vehiclePlate: 'abc-1234',
  capacity: [{ cylinderType: 'P13', quantity: 2 }],
  serviceArea: { latitude: -23.5503, longitude: -46.6342, radiusKm: 7.5 },
};

/** Admins create accounts with any roles: registering a courier needs an invitation code. */
async function createUser(roles: Role[], name = 'Carlos Entregador'): Promise<SignedInUser> {
  const contact = uniqueContact();
  await accountsInternals(test).accounts.createAccount({ ...contact, name, password: STRONG_PASSWORD }, roles, {
    source: 'accounts',
    correlationId: `test-${randomUUID()}`,
  });
  const login = await test.query<{ login: { accessToken: string; refreshToken: string; user: { id: string; email: string } } }>(
    `mutation ($input: LoginInput!) { login(input: $input) { ... on Session { accessToken refreshToken user { id email } } } }`,
    { variables: { input: { email: contact.email, password: STRONG_PASSWORD } } },
  );
  if (!login.data?.login) throw new Error(`login failed: ${JSON.stringify(login.errors)}`);
  const { accessToken, refreshToken, user } = login.data.login;
  return { id: user.id, email: user.email, accessToken, refreshToken };
}

const createCourier = () => createUser(['COURIER']);

/**
 * An access token whose `verified` claim is true, signed by accounts' own key ring: what the
 * courier gets at the next refresh once verification has approved their documents.
 */
async function verifiedToken(user: SignedInUser, roles: Role[] = ['COURIER']): Promise<string> {
  const identity = defineSettings(sharedSettings).parse({});
  const issuer = new AccessTokenIssuer(accountsInternals(test).keyRing, {
    issuer: identity.issuer,
    audience: identity.audience,
    ttlSeconds: 300,
  });
  const issued = await issuer.issue({ id: user.id, roles, verified: true }, { amr: ['pwd'], authTime: new Date() });
  return issued.token;
}

async function saveProfile(token: string, input: Record<string, unknown> = motorcycleProfile): Promise<CourierView> {
  const result = await test.query<{ saveCourierProfile: CourierView }>(saveMutation, { token, variables: { input } });
  if (!result.data?.saveCourierProfile) throw new Error(`saveCourierProfile failed: ${JSON.stringify(result.errors)}`);
  return result.data.saveCourierProfile;
}

const setAvailability = (token: string, availability: 'ONLINE' | 'OFFLINE') =>
  test.query<{ setCourierAvailability: CourierView }>(availabilityMutation, { token, variables: { availability } });

async function myProfile(token: string): Promise<CourierView | null> {
  const result = await test.query<{ myCourierProfile: CourierView | null }>(myProfileQuery, { token });
  if (result.errors) throw new Error(`myCourierProfile failed: ${JSON.stringify(result.errors)}`);
  return result.data!.myCourierProfile;
}

/** What another subgraph (orders, in issue 7) gets when it resolves a courier it references. */
function entitiesAsSeenBy(token: string, representations: Array<{ __typename: string; id: string }>, selection: string) {
  return postGraphQL<{ _entities: Array<Record<string, any> | null> }>(
    test.subgraphUrl('couriers'),
    `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`,
    { token, headers: { [GATEWAY_CREDENTIAL_HEADER]: TEST_GATEWAY_SECRET }, variables: { representations } },
  );
}

async function publish<Schema extends z.ZodType>(
  definition: EventDefinition<Schema>,
  subject: string,
  data: EventData<EventDefinition<Schema>>,
): Promise<void> {
  await publishEvent(test.platform.eventBus, definition, subject, data);
}

// ---------------------------------------------------------------------------
// Saving a profile
// ---------------------------------------------------------------------------

describe('saving a courier profile', () => {
  it('creates an offline profile with the plate normalised, visible to the courier through federation', async () => {
    const courier = await createCourier();
    expect(await myProfile(courier.accessToken)).toBeNull();

    const saved = await saveProfile(courier.accessToken);
    expect(saved).toMatchObject({
      id: courier.id,
      user: { id: courier.id, name: 'Carlos Entregador' },
      vehicleType: 'MOTORCYCLE',
      vehiclePlate: 'ABC1234',
      capacity: [{ cylinderType: 'P13', quantity: 2 }],
      serviceArea: { latitude: -23.5503, longitude: -46.6342, radiusKm: 7.5 },
      availability: 'OFFLINE',
    });
    expect(Date.parse(saved.availabilityChangedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await myProfile(courier.accessToken)).toEqual(saved);

    const me = await test.query(`{ me { id courierProfile { id vehiclePlate } } }`, { token: courier.accessToken });
    expect(me.data).toEqual({ me: { id: courier.id, courierProfile: { id: courier.id, vehiclePlate: 'ABC1234' } } });
  });

  it('replaces the whole profile on a second save, and a cargo bike needs no plate', async () => {
    const courier = await createCourier();
    await saveProfile(courier.accessToken);
    const replaced = await saveProfile(courier.accessToken, {
      vehicleType: 'CARGO_BIKE',
      capacity: [{ cylinderType: 'P5', quantity: 3 }],
      serviceArea: { latitude: -22.9068, longitude: -43.1729, radiusKm: 2 },
    });
    expect(replaced).toMatchObject({
      vehicleType: 'CARGO_BIKE',
      vehiclePlate: null,
      capacity: [{ cylinderType: 'P5', quantity: 3 }],
      serviceArea: { radiusKm: 2 },
    });
    const truck = await saveProfile(courier.accessToken, {
      ...motorcycleProfile,
      vehicleType: 'TRUCK',
      vehiclePlate: 'bra2e19',
      capacity: [
        { cylinderType: 'P90', quantity: 40 },
        { cylinderType: 'P13', quantity: 180 },
      ],
    });
    expect(truck).toMatchObject({
      vehicleType: 'TRUCK',
      vehiclePlate: 'BRA2E19',
      capacity: [
        { cylinderType: 'P13', quantity: 180 },
        { cylinderType: 'P90', quantity: 40 },
      ],
    });
  });

  it('refuses classes the vehicle may not carry: a motorcycle only P13, a car none at all', async () => {
    const courier = await createCourier();
    const refusedFields = async (input: Record<string, unknown>) => {
      const result = await test.query(saveMutation, {
        token: courier.accessToken,
        variables: { input: { ...motorcycleProfile, ...input } },
      });
      expect(firstCode(result)).toBe('BAD_USER_INPUT');
      return result.errors![0]!.extensions!['fields'];
    };
    expect(
      await refusedFields({
        capacity: [
          { cylinderType: 'P13', quantity: 2 },
          { cylinderType: 'P45', quantity: 1 },
        ],
      }),
    ).toEqual([{ field: 'input.capacity[1].cylinderType', message: 'a MOTORCYCLE may not carry P45: it may carry only P13' }]);
    expect(await refusedFields({ vehicleType: 'CAR' })).toEqual([
      { field: 'input.vehicleType', message: expect.stringContaining('a CAR may not carry LPG cylinders') },
    ]);
    expect(await myProfile(courier.accessToken)).toBeNull();
  });

  it('still takes the deprecated capacityCylinders, as that many of every class the vehicle may carry', async () => {
    const courier = await createCourier();
    const { capacity: _capacity, ...withoutCapacity } = motorcycleProfile;
    const saved = await test.query(saveMutation.replace('availabilityChangedAt', 'availabilityChangedAt capacityCylinders'), {
      token: courier.accessToken,
      variables: { input: { ...withoutCapacity, vehicleType: 'VAN', capacityCylinders: 12 } },
    });
    expect(saved.errors).toBeUndefined();
    const profile = saved.data?.['saveCourierProfile'] as CourierView & { capacityCylinders: number };
    expect(profile.capacity.map((capacity) => capacity.cylinderType)).toEqual(['P2', 'P5', 'P8', 'P13', 'P20', 'P45', 'P90']);
    expect(profile.capacity.every((capacity) => capacity.quantity === 12)).toBe(true);
    expect(profile.capacityCylinders).toBe(12);
  });

  it('lists every invalid field together: plate, capacity and coordinates', async () => {
    const courier = await createCourier();
    const result = await test.query(saveMutation, {
      token: courier.accessToken,
      variables: {
        input: {
          vehicleType: 'MOTORCYCLE',
          vehiclePlate: 'AB-123',
          capacity: [{ cylinderType: 'P13', quantity: 12 }],
          serviceArea: { latitude: -95, longitude: 200, radiusKm: 150 },
        },
      },
    });
    expect(result.status).toBe(400);
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    const fields = (result.errors![0]!.extensions!['fields'] as Array<{ field: string; message: string }>).map((problem) => problem.field);
    expect(fields).toEqual([
      'input.vehiclePlate',
      'input.capacity[0].quantity',
      'input.serviceArea.latitude',
      'input.serviceArea.longitude',
      'input.serviceArea.radiusKm',
    ]);
    expect(await myProfile(courier.accessToken)).toBeNull();
  });

  it('refuses a customer (FORBIDDEN) and an anonymous caller (UNAUTHENTICATED)', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const asCustomer = await test.query(saveMutation, { token: customer.accessToken, variables: { input: motorcycleProfile } });
    expect(asCustomer.status).toBe(403);
    expect(firstCode(asCustomer)).toBe('FORBIDDEN');
    const anonymous = await test.query(saveMutation, { variables: { input: motorcycleProfile } });
    expect(firstCode(anonymous)).toBe('UNAUTHENTICATED');
    expect(firstCode(await test.query(myProfileQuery, { token: customer.accessToken }))).toBe('FORBIDDEN');
  });
});

// ---------------------------------------------------------------------------
// Availability
// ---------------------------------------------------------------------------

describe('going online and offline', () => {
  it('tells a courier without a profile to save one first', async () => {
    const courier = await createCourier();
    const result = await setAvailability(await verifiedToken(courier), 'ONLINE');
    expect(result.status).toBe(409);
    expect(firstCode(result)).toBe('CONFLICT');
    expect(result.errors![0]!.message).toMatch(/save your courier profile first/i);
  });

  it('refuses an unverified courier with VERIFICATION_REQUIRED (HTTP 403) and leaves them offline', async () => {
    const courier = await createCourier();
    await saveProfile(courier.accessToken);
    const result = await setAvailability(courier.accessToken, 'ONLINE');
    expect(result.status).toBe(403);
    expect(firstCode(result)).toBe('VERIFICATION_REQUIRED');
    expect(result.errors![0]!.message).toMatch(/go online/);
    expect((await myProfile(courier.accessToken))!.availability).toBe('OFFLINE');
  });

  it('lets a verified courier go online, and back offline; repeating a value changes nothing', async () => {
    const courier = await createCourier();
    const token = await verifiedToken(courier);
    const saved = await saveProfile(token);

    const online = await setAvailability(token, 'ONLINE');
    expect(online.errors).toBeUndefined();
    expect(online.data!.setCourierAvailability.availability).toBe('ONLINE');
    const wentOnlineAt = online.data!.setCourierAvailability.availabilityChangedAt;
    expect(Date.parse(wentOnlineAt)).toBeGreaterThanOrEqual(Date.parse(saved.availabilityChangedAt));

    const again = await setAvailability(token, 'ONLINE');
    expect(again.data!.setCourierAvailability.availabilityChangedAt).toBe(wentOnlineAt);

    // Going offline needs no verification: the courier's ordinary (unverified) token will do.
    const offline = await setAvailability(courier.accessToken, 'OFFLINE');
    expect(offline.data!.setCourierAvailability.availability).toBe('OFFLINE');
    expect(Date.parse(offline.data!.setCourierAvailability.availabilityChangedAt)).toBeGreaterThanOrEqual(Date.parse(wentOnlineAt));
  });

  it('refuses a verified user without the courier role', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const result = await setAvailability(await verifiedToken(customer, ['CUSTOMER']), 'ONLINE');
    expect(firstCode(result)).toBe('FORBIDDEN');
  });
});

// ---------------------------------------------------------------------------
// Visibility
// ---------------------------------------------------------------------------

describe('who sees a courier’s personal details', () => {
  it('lets only the courier or an admin look a courier up by id', async () => {
    const courier = await createCourier();
    await saveProfile(courier.accessToken);
    const other = await createCourier();

    const byOther = await test.query(courierQuery, { token: other.accessToken, variables: { id: courier.id } });
    expect(firstCode(byOther)).toBe('FORBIDDEN');
    const bySelf = await test.query(courierQuery, { token: courier.accessToken, variables: { id: courier.id } });
    expect(bySelf.data!['courier'].vehiclePlate).toBe('ABC1234');

    const admin = await createAdmin(test);
    const byAdmin = await test.query(courierQuery, { token: admin.accessToken, variables: { id: courier.id } });
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data!['courier']).toMatchObject({ vehiclePlate: 'ABC1234', serviceArea: { radiusKm: 7.5 } });
  });

  it('hides the plate and service area from anybody else who reaches the courier', async () => {
    const courier = await createCourier();
    await saveProfile(courier.accessToken);
    const customer = await registerUser(test, 'CUSTOMER');

    const asCustomer = await entitiesAsSeenBy(
      customer.accessToken,
      [
        { __typename: 'Courier', id: courier.id },
        { __typename: 'User', id: courier.id },
      ],
      '... on Courier { id vehicleType vehiclePlate serviceArea { latitude } availability } ... on User { courierProfile { id } }',
    );
    expect(asCustomer.errors).toBeUndefined();
    expect(asCustomer.data!._entities).toEqual([
      { id: courier.id, vehicleType: 'MOTORCYCLE', vehiclePlate: null, serviceArea: null, availability: 'OFFLINE' },
      { courierProfile: null },
    ]);

    const asSelf = await entitiesAsSeenBy(
      courier.accessToken,
      [{ __typename: 'Courier', id: courier.id }],
      '... on Courier { vehiclePlate }',
    );
    expect(asSelf.data!._entities).toEqual([{ vehiclePlate: 'ABC1234' }]);
  });
});

// ---------------------------------------------------------------------------
// Events consumed
// ---------------------------------------------------------------------------

describe('reacting to other services’ events', () => {
  it('erases the profile when user.deleted arrives', async () => {
    const courier = await createCourier();
    await saveProfile(courier.accessToken);
    await publish(UserEvents.deleted, courier.id, { userId: courier.id, roles: ['COURIER'] });
    // The courier's access token outlives the account; the profile does not.
    await eventually(async () => ((await myProfile(courier.accessToken)) === null ? true : undefined), 15_000, 'profile erased');
  });

  it('takes an online courier offline when their verification is reopened', async () => {
    const courier = await createCourier();
    const token = await verifiedToken(courier);
    await saveProfile(token);
    expect((await setAvailability(token, 'ONLINE')).data!.setCourierAvailability.availability).toBe('ONLINE');

    await publish(VerificationEvents.requested, courier.id, {
      requestId: randomUUID(),
      userId: courier.id,
      role: 'COURIER',
      requiredDocuments: ['DRIVING_LICENCE'],
      reason: 'DOCUMENT_REPLACED',
    });
    await eventually(async () => ((await myProfile(token))!.availability === 'OFFLINE' ? true : undefined), 15_000, 'courier offline');

    // The old token still claims verified, but predates the withdrawal.
    const stale = await setAvailability(token, 'ONLINE');
    expect(stale.status).toBe(403);
    expect(stale.errors?.[0]?.extensions?.['code']).toBe('VERIFICATION_REQUIRED');
    expect((await myProfile(token))!.availability).toBe('OFFLINE');
    // Tokens carry whole seconds: one issued in a later second is newer than the withdrawal.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const fresh = await setAvailability(await verifiedToken(courier), 'ONLINE');
    expect(fresh.data?.setCourierAvailability.availability).toBe('ONLINE');
  });

  it('takes an online courier offline when they lose the courier role', async () => {
    const courier = await createCourier();
    const token = await verifiedToken(courier);
    await saveProfile(token);
    expect((await setAvailability(token, 'ONLINE')).data!.setCourierAvailability.availability).toBe('ONLINE');

    await publish(UserEvents.updated, courier.id, {
      userId: courier.id,
      roles: ['CUSTOMER'],
      name: 'Carlos Entregador',
      changed: ['roles'],
    });
    await eventually(async () => ((await myProfile(token))!.availability === 'OFFLINE' ? true : undefined), 15_000, 'courier offline');
  });
});
