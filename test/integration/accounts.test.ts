import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, publishEvent } from '../support/event-probe.js';
import { firstCode } from '../support/graphql-client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, STRONG_PASSWORD, uniqueContact, type SignedInUser } from '../support/users.js';
import { VerificationEvents } from '../../subgraphs/verification/src/events/index.js';
import { openStore } from '../support/stores.js';

let test: TestPlatform;
beforeAll(async () => {
  test = await startTestPlatform();
});
afterAll(async () => {
  await test?.stop();
});

const register = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken refreshToken expiresIn user { id name email phone roles } } }`;
const login = `mutation ($input: LoginInput!) { login(input: $input) { ... on Session { accessToken refreshToken user { id } } } }`;
const refresh = `mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken } }`;

describe('registration', () => {
  it('creates a customer, signs them in, and shows them their own profile through me', async () => {
    const contact = uniqueContact();
    const registered = await test.query(register, {
      variables: { input: { ...contact, phone: '(11) 98765-4321', name: '  João   Souza ', password: STRONG_PASSWORD, role: 'CUSTOMER' } },
    });
    expect(registered.errors).toBeUndefined();
    const session = registered.data!['register'];
    expect(session.user).toMatchObject({ name: 'João Souza', email: contact.email, phone: '+5511987654321', roles: ['CUSTOMER'] });
    expect(session.expiresIn).toBe(900);

    const me = await test.query(`{ me { id email roles } }`, { token: session.accessToken });
    expect(me.data!['me']).toEqual({ id: session.user.id, email: contact.email, roles: ['CUSTOMER'] });
  });

  it('refuses a malformed email, a weak password and a bad phone with every problem listed', async () => {
    const result = await test.query(register, {
      variables: { input: { email: 'not-an-email', phone: '12', name: 'Ze', password: 'password', role: 'CUSTOMER' } },
    });
    expect(result.status).toBe(400);
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    const fields = (result.errors![0]!.extensions!['fields'] as Array<{ field: string }>).map((problem) => problem.field);
    expect(fields).toEqual(['input.email', 'input.phone', 'input.password']);
    expect(result.errors![0]!.message).toMatch(/valid email address/);
  });

  it('answers a duplicate email or phone with CONFLICT and names the field', async () => {
    const first = await registerUser(test);
    const sameEmail = await test.query(register, {
      variables: {
        input: { ...uniqueContact(), email: first.email.toUpperCase(), name: 'Other', password: STRONG_PASSWORD, role: 'CUSTOMER' },
      },
    });
    expect(sameEmail.status).toBe(409);
    expect(firstCode(sameEmail)).toBe('CONFLICT');
    expect(sameEmail.errors![0]!.message).toMatch(/email is already registered/);

    const contact = uniqueContact();
    await test.query(register, { variables: { input: { ...contact, name: 'One', password: STRONG_PASSWORD, role: 'CUSTOMER' } } });
    const samePhone = await test.query(register, {
      variables: { input: { ...uniqueContact(), phone: contact.phone, name: 'Two', password: STRONG_PASSWORD, role: 'CUSTOMER' } },
    });
    expect(firstCode(samePhone)).toBe('CONFLICT');
    expect(samePhone.errors![0]!.extensions!['fields']).toEqual([{ field: 'input.phone', message: 'is already registered' }]);
  });

  it('does not let anybody register as an admin', async () => {
    const result = await test.query(register, {
      variables: { input: { ...uniqueContact(), name: 'Mallory', password: STRONG_PASSWORD, role: 'ADMIN' } },
    });
    expect(result.status).toBe(400);
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
  });
});

describe('login', () => {
  it('refuses a wrong password and an unknown email with the same message', async () => {
    const user = await registerUser(test);
    const wrongPassword = await test.query(login, { variables: { input: { email: user.email, password: 'Wrong-Passw0rd!' } } });
    const unknownEmail = await test.query(login, { variables: { input: { email: 'nobody@example.com', password: STRONG_PASSWORD } } });
    expect(wrongPassword.status).toBe(401);
    expect(firstCode(wrongPassword)).toBe('UNAUTHENTICATED');
    expect(unknownEmail.errors![0]!.message).toBe(wrongPassword.errors![0]!.message);
  });

  it('issues an RS256 access token with the documented claims', async () => {
    const user = await registerUser(test, 'SUPPLIER');
    const [header, payload] = user.accessToken
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(typeof header.kid).toBe('string');
    expect(payload).toMatchObject({
      sub: user.id,
      roles: ['SUPPLIER'],
      verified: false,
      amr: ['pwd'],
      iss: 'https://accounts.gasrapido.local',
      aud: 'gasrapido-api',
    });
    expect(Math.abs(payload.auth_time - payload.iat)).toBeLessThanOrEqual(1);
    expect(payload.exp - payload.iat).toBe(900);
    expect(typeof payload.jti).toBe('string');
  });
});

describe('refresh tokens', () => {
  it('rotate on use: the new token works once, the old one no longer does', async () => {
    const user = await registerUser(test);
    const first = await test.query(refresh, { variables: { token: user.refreshToken } });
    expect(first.errors).toBeUndefined();
    const rotated = first.data!['refreshSession'];
    expect(rotated.refreshToken).not.toBe(user.refreshToken);
    const me = await test.query(`{ me { id } }`, { token: rotated.accessToken });
    expect(me.data!['me']).toEqual({ id: user.id });
  });

  it('revoke the whole family when an already-rotated token is presented again', async () => {
    const user = await registerUser(test);
    const rotated = (await test.query(refresh, { variables: { token: user.refreshToken } })).data!['refreshSession'];
    const replay = await test.query(refresh, { variables: { token: user.refreshToken } });
    expect(replay.status).toBe(401);
    expect(firstCode(replay)).toBe('UNAUTHENTICATED');
    // The legitimate holder's newer token dies with the family: the thief cannot keep a session.
    const successor = await test.query(refresh, { variables: { token: rotated.refreshToken } });
    expect(firstCode(successor)).toBe('UNAUTHENTICATED');
  });

  it('let exactly one of two concurrent refreshes with the same token succeed', async () => {
    const user = await registerUser(test);
    const results = await Promise.all([1, 2].map(() => test.query(refresh, { variables: { token: user.refreshToken } })));
    expect(results.filter((result) => result.errors === undefined)).toHaveLength(1);
  });

  it('stop working after logout', async () => {
    const user = await registerUser(test);
    const loggedOut = await test.query(`mutation ($token: String!) { logout(refreshToken: $token) }`, {
      variables: { token: user.refreshToken },
    });
    expect(loggedOut.data!['logout']).toBe(true);
    const afterLogout = await test.query(refresh, { variables: { token: user.refreshToken } });
    expect(firstCode(afterLogout)).toBe('UNAUTHENTICATED');
  });
});

describe('profiles and roles', () => {
  it('lets a user change their own profile but not somebody else’s', async () => {
    const owner = await registerUser(test);
    const other = await registerUser(test);
    const own = await test.query(`mutation { updateProfile(input: { name: "Maria Oliveira" }) { name } }`, { token: owner.accessToken });
    expect(own.data!['updateProfile']).toEqual({ name: 'Maria Oliveira' });
    const foreign = await test.query(`mutation ($id: ID!) { updateProfile(userId: $id, input: { name: "Hacked" }) { name } }`, {
      token: other.accessToken,
      variables: { id: owner.id },
    });
    expect(foreign.status).toBe(403);
    expect(firstCode(foreign)).toBe('FORBIDDEN');
  });

  it('keeps user lookups and listings for admins, and lets admins page through users', async () => {
    const customer = await registerUser(test);
    const denied = await test.query(`{ users { totalCount } }`, { token: customer.accessToken });
    expect(firstCode(denied)).toBe('FORBIDDEN');
    const anonymous = await test.query(`query ($id: ID!) { user(id: $id) { id } }`, { variables: { id: customer.id } });
    expect(firstCode(anonymous)).toBe('UNAUTHENTICATED');

    const admin = await createAdmin(test);
    const firstPage = await test.query(`{ users(first: 2) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`, {
      token: admin.accessToken,
    });
    const page = firstPage.data!['users'];
    expect(page.nodes).toHaveLength(2);
    expect(page.totalCount).toBeGreaterThan(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const secondPage = await test.query(`query ($after: String) { users(first: 2, after: $after) { nodes { id } } }`, {
      token: admin.accessToken,
      variables: { after: page.pageInfo.endCursor },
    });
    const seen = new Set(page.nodes.map((node: { id: string }) => node.id));
    expect(secondPage.data!['users'].nodes.every((node: { id: string }) => !seen.has(node.id))).toBe(true);

    const lookup = await test.query(`query ($id: ID!) { user(id: $id) { email } }`, {
      token: admin.accessToken,
      variables: { id: customer.id },
    });
    expect(lookup.data!['user']).toEqual({ email: customer.email });
  });

  it('lets only admins grant roles, including ADMIN', async () => {
    const customer = await registerUser(test);
    const selfPromotion = await test.query(`mutation ($id: ID!) { setUserRoles(userId: $id, roles: [ADMIN]) { roles } }`, {
      token: customer.accessToken,
      variables: { id: customer.id },
    });
    expect(firstCode(selfPromotion)).toBe('FORBIDDEN');
    const admin = await createAdmin(test);
    const promoted = await test.query(`mutation ($id: ID!) { setUserRoles(userId: $id, roles: [CUSTOMER, ADMIN]) { roles } }`, {
      token: admin.accessToken,
      variables: { id: customer.id },
    });
    expect(promoted.data!['setUserRoles']).toEqual({ roles: ['CUSTOMER', 'ADMIN'] });
  });

  it('hides email and phone from everybody but the user and admins', async () => {
    // Only a verified supplier's products are on sale, and visible to everyone.
    const supplier = await verified(await registerUser(test, 'SUPPLIER', 'Gás Bom'));
    await openStore(test, supplier);
    const product = await test.query(
      `mutation { createProduct(input: { name: "Botijão P13", cylinderType: P13, priceAmount: 11000, stockQuantity: 5 }) { id } }`,
      { token: supplier.accessToken },
    );
    const id = product.data!['createProduct'].id;
    const anonymous = await test.query(`query ($id: ID!) { product(id: $id) { supplier { name email phone } } }`, { variables: { id } });
    expect(anonymous.data!['product'].supplier).toEqual({ name: 'Gás Bom', email: null, phone: null });
    const own = await test.query(`query ($id: ID!) { product(id: $id) { supplier { email } } }`, {
      token: supplier.accessToken,
      variables: { id },
    });
    expect(own.data!['product'].supplier.email).toBe(supplier.email);
  });
});

/** The supplier after the verification service approved them, with a token that says so. */
async function verified(supplier: SignedInUser): Promise<SignedInUser> {
  const data = {
    requestId: randomUUID(),
    userId: supplier.id,
    role: 'SUPPLIER' as const,
    reviewedBy: randomUUID(),
    approvedAt: new Date().toISOString(),
  };
  await publishEvent(test.platform.eventBus, VerificationEvents.approved, supplier.id, data, 'verification');
  return eventually(
    async () => {
      const refreshed = await test.query(
        `mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken user { verified } } }`,
        {
          variables: { token: supplier.refreshToken },
        },
      );
      const session = refreshed.data?.['refreshSession'];
      if (session === undefined || session === null) throw new Error(`refresh failed: ${JSON.stringify(refreshed.errors)}`);
      supplier = { ...supplier, accessToken: session.accessToken, refreshToken: session.refreshToken };
      return session.user.verified ? supplier : undefined;
    },
    15_000,
    'the supplier’s verification',
  );
}
