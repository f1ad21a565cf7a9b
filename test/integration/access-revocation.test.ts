import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { eventually, publishEvent } from '../support/event-probe.js';
import { startExtraGateway } from '../support/extra-gateway.js';
import { firstCode, postGraphQL, type GraphQLExchange } from '../support/graphql-client.js';
import { verifiedUser } from '../support/onboarding.js';
import { TEST_GATEWAY_SECRET, startTestPlatform, type TestPlatform } from '../support/platform.js';
import {
  createAdmin,
  enrolMfa,
  nextTotpCode,
  registerUser,
  signIn,
  STRONG_PASSWORD,
  type MfaUser,
  type SignedInUser,
} from '../support/users.js';
import { VerificationEvents } from '../../subgraphs/verification/src/events/index.js';
import { openStore, supplierWithStore } from '../support/stores.js';

// Every service re-verifies access tokens on its own, without asking accounts: these tests show
// that a token whose subject was deleted, or whose access was revoked after it was issued, is
// refused within seconds by the gateway and by a subgraph reached directly, through the events.

let test: TestPlatform;
let admin: MfaUser;
let productId: string;
let storeId: string;

beforeAll(async () => {
  test = await startTestPlatform();
  admin = await createAdmin(test);
  const supplier = await verifiedUser(test, 'SUPPLIER', 'Gás da Vila');
  storeId = await openStore(test, supplier);
  const created = await test.query<{ createProduct: { id: string } }>(
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
    {
      token: supplier.accessToken,
      variables: { input: { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 100 } },
    },
  );
  if (!created.data?.createProduct) throw new Error(`createProduct failed: ${JSON.stringify(created.errors)}`);
  productId = created.data.createProduct.id;
  // Orders prices from its own copy of the catalog, fed by product events.
  await eventually(
    async () => {
      const { rows } = await test.platform.subgraphs
        .get('orders')!
        .database.pool.query('select 1 from catalog_products where product_id = $1', [productId]);
      return rows.length > 0 ? true : undefined;
    },
    15_000,
    'the product to reach orders',
  );
  await eventually(
    async () => {
      const { rows } = await test.platform.subgraphs
        .get('orders')!
        .database.pool.query('select 1 from store_views where store_id = $1', [storeId]);
      return rows.length > 0 ? true : undefined;
    },
    15_000,
    'the store to reach orders',
  );
});
afterAll(async () => {
  await test?.stop();
});

/** Rua Augusta, São Paulo. */
const address = {
  street: 'Rua Augusta',
  number: '1200',
  complement: 'apto 31',
  district: 'Consolação',
  city: 'São Paulo',
  state: 'SP',
  postalCode: '01304-001',
  latitude: -23.556123,
  longitude: -46.658987,
};

const placeOrder = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`;
const createInvitation = `mutation ($input: CreateInvitationInput!) { createInvitation(input: $input) { code } }`;
const orderInput = () => ({ storeId, items: [{ productId, quantity: 1 }], deliveryAddress: address, paymentMethod: 'PIX' });
const invitationInput = () => ({ role: 'CUSTOMER', email: `friend-${randomUUID()}@example.com` });

/** Posts straight to a subgraph, as the gateway does (its credential), with the caller's token. */
function atSubgraph(subgraph: string, query: string, token: string, variables: Record<string, unknown>): Promise<GraphQLExchange> {
  return postGraphQL(test.subgraphUrl(subgraph), query, { token, variables, headers: { 'x-gateway-credential': TEST_GATEWAY_SECRET } });
}

type Attempt = () => Promise<GraphQLExchange>;

/** The attempts that the token's holder would make: an order and an invitation, at the gateway and at each subgraph directly. */
const everyPath = (token: string): Record<string, Attempt> => ({
  'placeOrder at the gateway': () => test.query(placeOrder, { token, variables: { input: orderInput() } }),
  'placeOrder at orders': () => atSubgraph('orders', placeOrder, token, { input: orderInput() }),
  'createInvitation at the gateway': () => test.query(createInvitation, { token, variables: { input: invitationInput() } }),
  'createInvitation at invitations': () => atSubgraph('invitations', createInvitation, token, { input: invitationInput() }),
});

/** Waits (gently, below the per-user rate limit) until the attempt is refused as revoked; fails after `withinMs`. */
async function refusedWithin(attempt: Attempt, withinMs: number, what: string): Promise<GraphQLExchange> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const result = await attempt();
    if (firstCode(result) === 'UNAUTHENTICATED') return result;
    if (Date.now() > deadline)
      throw new Error(`${what} was still answered ${JSON.stringify(result.errors ?? result.data)} after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every path refuses the token within five seconds, and from then on says it was revoked. */
async function expectRefusedEverywhere(token: string): Promise<void> {
  for (const [what, attempt] of Object.entries(everyPath(token))) {
    await refusedWithin(attempt, 5_000, what);
    // (The first refusal may come from the subgraph behind a gateway that let the request pass a
    // moment before the event reached it; the gateway reports that one without the reason.)
    const again = await attempt();
    expect({ what, extensions: again.errors?.[0]?.extensions }).toMatchObject({
      what,
      extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' },
    });
  }
}

async function invitationWorks(token: string): Promise<void> {
  const result = await test.query(createInvitation, { token, variables: { input: invitationInput() } });
  expect(result.errors).toBeUndefined();
  expect(result.data?.['createInvitation']?.code).toEqual(expect.any(String));
}

async function asAdmin(query: string, variables: Record<string, unknown>): Promise<GraphQLExchange> {
  // Role changes need a second factor entered recently; the admin's session has one from sign-in.
  return test.query(query, { token: admin.accessToken, variables });
}

async function refreshed(user: SignedInUser): Promise<GraphQLExchange<{ refreshSession: { accessToken: string; refreshToken: string } }>> {
  return test.query('mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken } }', {
    variables: { token: user.refreshToken },
  });
}

describe('a deleted account', () => {
  it('cannot order or invite with the access token it held, at the gateway or at a subgraph', async () => {
    const customer = await registerUser(test);
    await invitationWorks(customer.accessToken);

    const deleted = await test.query('mutation { deleteAccount }', { token: customer.accessToken });
    expect(deleted.data?.['deleteAccount']).toBe(true);
    // The revocation travels as an event (within seconds, not at once): wait for it with a harmless read
    // rather than let a write race it.
    await refusedWithin(() => test.query('{ me { id } }', { token: customer.accessToken }), 5_000, 'me');

    await expectRefusedEverywhere(customer.accessToken);
    // Nothing the token attempted was stored: no order kept the street the erasure removed.
    const { rows } = await test.platform.subgraphs
      .get('orders')!
      .database.pool.query('select id from orders where customer_id = $1', [customer.id]);
    expect(rows).toEqual([]);
  });

  it('is refused the same way when an admin deleted it', async () => {
    const customer = await registerUser(test);
    await invitationWorks(customer.accessToken);

    const deleted = await asAdmin('mutation ($id: ID!) { deleteAccount(userId: $id) }', { id: customer.id });
    expect(deleted.errors).toBeUndefined();

    await expectRefusedEverywhere(customer.accessToken);
  });
});

describe('a revoked role', () => {
  it('takes the token that claimed it out of use; a refreshed token carries the roles that remain', async () => {
    const user = await supplierWithStore(test, 'Revenda Centro');
    const granted = await asAdmin('mutation ($id: ID!) { setUserRoles(userId: $id, roles: [SUPPLIER, CUSTOMER]) { roles } }', {
      id: user.id,
    });
    expect(granted.errors).toBeUndefined();
    // Gaining a role revokes nothing: the token merely does not claim the new one yet.
    await invitationWorks(user.accessToken);

    const removed = await asAdmin('mutation ($id: ID!) { setUserRoles(userId: $id, roles: [CUSTOMER]) { roles } }', { id: user.id });
    expect(removed.data?.['setUserRoles']).toEqual({ roles: ['CUSTOMER'] });

    await expectRefusedEverywhere(user.accessToken);
    const refused = await test.query(createInvitation, { token: user.accessToken, variables: { input: invitationInput() } });
    expect(refused.errors![0]!.message).toMatch(/Refresh the session/);

    const session = await refreshed(user);
    expect(session.errors).toBeUndefined();
    const me = await test.query('{ me { roles } }', { token: session.data!.refreshSession.accessToken });
    expect(me.data?.['me']).toEqual({ roles: ['CUSTOMER'] });
  });
});

describe('a withdrawn verification', () => {
  it('takes the token that said verified out of use', async () => {
    const courier = await verifiedUser(test, 'COURIER', 'Pedro Entregas');
    await invitationWorks(courier.accessToken);

    // The verification service announces that the courier's documents wait for a review again.
    await publishEvent(
      test.platform.eventBus,
      VerificationEvents.requested,
      courier.id,
      { requestId: randomUUID(), userId: courier.id, role: 'COURIER', requiredDocuments: ['DRIVER_LICENSE'], reason: 'DOCUMENT_REPLACED' },
      'verification',
    );

    await expectRefusedEverywhere(courier.accessToken);
    const session = await refreshed(courier);
    expect(session.errors).toBeUndefined();
    const me = await test.query('{ me { verified } }', { token: session.data!.refreshSession.accessToken });
    expect(me.data?.['me']).toEqual({ verified: false });
  });
});

describe('signing out everywhere', () => {
  it('ends every session at once, and a session opened right after works', async () => {
    const phone = await registerUser(test);
    const laptop = await signIn(test, phone.email, STRONG_PASSWORD);

    const ended = await test.query('mutation { logoutEverywhere }', { token: laptop.accessToken });
    expect(ended.data?.['logoutEverywhere']).toBe(true);
    // Signed in again within the same second as the revocation: `iat` alone could not tell it apart.
    const again = await signIn(test, phone.email, STRONG_PASSWORD);

    await expectRefusedEverywhere(phone.accessToken);
    await expectRefusedEverywhere(laptop.accessToken);
    for (const session of [phone, laptop]) expect(firstCode(await refreshed(session))).toBe('UNAUTHENTICATED');
    await invitationWorks(again.accessToken);
    const ordered = await atSubgraph('orders', placeOrder, again.accessToken, { input: orderInput() });
    expect(ordered.errors).toBeUndefined();
  });

  it('may be done by an admin for another user', async () => {
    const customer = await registerUser(test);
    const stranger = await registerUser(test);
    expect(
      firstCode(
        await test.query('mutation ($id: ID!) { logoutEverywhere(userId: $id) }', {
          token: stranger.accessToken,
          variables: { id: customer.id },
        }),
      ),
    ).toBe('FORBIDDEN');

    const ended = await asAdmin('mutation ($id: ID!) { logoutEverywhere(userId: $id) }', { id: customer.id });
    expect(ended.errors).toBeUndefined();
    await expectRefusedEverywhere(customer.accessToken);
    await invitationWorks(stranger.accessToken);
  });
});

describe('turning multi-factor authentication off', () => {
  it('ends every session, so no token that proved the removed factor keeps working', async () => {
    const customer = await enrolMfa(test, await registerUser(test));
    await invitationWorks(customer.accessToken);

    const disabled = await test.query('mutation ($password: String!, $code: String!) { disableMfa(password: $password, code: $code) }', {
      token: customer.accessToken,
      variables: { password: STRONG_PASSWORD, code: await nextTotpCode(customer.totpSecret) },
    });
    expect(disabled.data?.['disableMfa']).toBe(true);

    await expectRefusedEverywhere(customer.accessToken);
    await invitationWorks((await signIn(test, customer.email, STRONG_PASSWORD)).accessToken);
  });
});

describe('a service that starts after a revocation', () => {
  it('replays the recent revocations before it serves, and refuses the token at once', async () => {
    const customer = await registerUser(test);
    await test.query('mutation { deleteAccount }', { token: customer.accessToken });
    await refusedWithin(everyPath(customer.accessToken)['createInvitation at the gateway']!, 5_000, 'the platform gateway');

    const late = await startExtraGateway(test, {}, { withEvents: true });
    try {
      const result = await postGraphQL(`${late.url}/graphql`, '{ me { id } }', { token: customer.accessToken });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    } finally {
      await late.stop();
    }
  });
});

describe('an open subscription connection', () => {
  it('is closed as soon as its token is revoked, not when the token would have expired', async () => {
    const customer = await registerUser(test);
    let connected!: () => void;
    const isConnected = new Promise<void>((resolve) => (connected = resolve));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      const client = createClient({
        url: `${test.platform.gateway.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { authorization: `Bearer ${customer.accessToken}` },
        on: {
          connected: () => connected(),
          closed: (event) => {
            const { code, reason } = event as { code: number; reason: string };
            resolve({ code, reason });
            void client.dispose();
          },
        },
      });
    });
    await isConnected;

    await test.query('mutation { logoutEverywhere }', { token: customer.accessToken });

    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the connection stayed open')), 5_000));
    expect(await Promise.race([closed, timeout])).toEqual({ code: 4403, reason: 'Access token revoked' });
  });
});
