import { createHash, randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_CREDENTIAL_HEADER, type PrismaLike, type StartedSubgraph } from '#kit';
import type { InvitationsDatabase } from '../../subgraphs/invitations/src/database.js';
import { invitationExpiredEvents } from '../../subgraphs/invitations/src/invitations/invitation-events.js';
import { invitationStore } from '../../subgraphs/invitations/src/invitations/invitation-store.js';
import { eventually, probeEvents, type EventProbe, type ReceivedEvent, publishEvent } from '../support/event-probe.js';
import { firstCode, type GraphQLExchange } from '../support/graphql-client.js';
import { startTestPlatform, TEST_GATEWAY_SECRET, type TestPlatform } from '../support/platform.js';
import { accountsInternals, createAdmin, registerUser, signIn, STRONG_PASSWORD, type SignedInUser } from '../support/users.js';
import { USER_TOPIC } from '../../subgraphs/accounts/src/events/index.js';
import { INVITATION_TOPIC } from '../../subgraphs/invitations/src/events/index.js';
import { VerificationEvents } from '../../subgraphs/verification/src/events/index.js';

let test: TestPlatform;
let invitationEvents: EventProbe;
let userEvents: EventProbe;
let admin: SignedInUser;

beforeAll(async () => {
  test = await startTestPlatform({
    // Sweeps every second, so the expiry job's effects are seen within a test.
    INVITATIONS_EXPIRY_SWEEP_SECONDS: '1',
    // One trusted proxy: each test picks its client address with X-Forwarded-For.
    GATEWAY_TRUSTED_PROXY_HOPS: '1',
  });
  invitationEvents = await probeEvents(test.platform.eventBus, [INVITATION_TOPIC]);
  userEvents = await probeEvents(test.platform.eventBus, [USER_TOPIC]);
  admin = await createAdmin(test);
});
afterAll(async () => {
  await invitationEvents?.stop();
  await userEvents?.stop();
  await test?.stop();
});

// ---------------------------------------------------------------------------
// Operations and helpers
// ---------------------------------------------------------------------------

type Role = 'CUSTOMER' | 'SUPPLIER' | 'COURIER';

interface InvitationView {
  id: string;
  role: Role;
  channel: 'EMAIL' | 'SMS';
  recipient: string | null;
  status: 'ACTIVE' | 'EXPIRED' | 'REVOKED' | 'EXHAUSTED';
  maxUses: number;
  uses: number;
  expiresAt: string;
  createdAt: string;
  revokedAt: string | null;
  invitedBy: { id: string };
}

const invitationFields = 'id role channel recipient status maxUses uses expiresAt createdAt revokedAt invitedBy { id }';
const createMutation = `mutation ($input: CreateInvitationInput!) { createInvitation(input: $input) { code invitation { ${invitationFields} } } }`;
const revokeMutation = `mutation ($id: ID!) { revokeInvitation(id: $id) { ${invitationFields} } }`;
const invitationQuery = `query ($id: ID!) { invitation(id: $id) { ${invitationFields} acceptances { user { id } acceptedAt } } }`;
const listQuery = `query ($first: Int, $after: String, $status: InvitationStatus, $role: InvitationRole) {
  invitations(first: $first, after: $after, status: $status, role: $role) { totalCount nodes { id role status invitedBy { id } } pageInfo { endCursor hasNextPage } }
}`;
const codeQuery = `query ($code: String!) { invitationByCode(code: $code) { valid role } }`;

const codeShape = /^GR(-[0-9A-HJKMNP-TV-Z]{4}){5}$/;

const invitations = () =>
  test.platform.subgraphs.get('invitations') as StartedSubgraph<PrismaLike> & { database: { client: InvitationsDatabase } };
/** Arrange steps only: moves clocks and counters of the invitations database directly. */
const sql = (text: string, values: unknown[] = []) => invitations().database.pool.query(text, values);

/** A client address of its own for each test, so their rate-limit counts never meet. */
const newAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const from = (address: string) => ({ 'x-forwarded-for': address });

async function invite(user: SignedInUser, input: Record<string, unknown>): Promise<{ code: string; invitation: InvitationView }> {
  const result = await test.query<{ createInvitation: { code: string; invitation: InvitationView } }>(createMutation, {
    token: user.accessToken,
    variables: { input: { email: `invitee-${randomUUID().slice(0, 8)}@example.com`, ...input } },
  });
  if (!result.data?.createInvitation) throw new Error(`createInvitation failed: ${JSON.stringify(result.errors)}`);
  return result.data.createInvitation;
}

const inviteAs = (user: SignedInUser, input: Record<string, unknown>) =>
  test.query<{ createInvitation: { code: string; invitation: InvitationView } }>(createMutation, {
    token: user.accessToken,
    variables: { input },
  });

async function invitationAs(
  user: SignedInUser,
  id: string,
): Promise<(InvitationView & { acceptances: Array<{ user: { id: string }; acceptedAt: string }> | null }) | null> {
  const result = await test.query(invitationQuery, { token: user.accessToken, variables: { id } });
  if (result.errors) throw new Error(`invitation failed: ${JSON.stringify(result.errors)}`);
  return result.data!['invitation'];
}

const lookup = (code: string, address: string): Promise<GraphQLExchange<{ invitationByCode: { valid: boolean; role: Role | null } }>> =>
  test.query(codeQuery, { variables: { code }, headers: from(address) });

async function checkCode(code: string, address = newAddress()): Promise<{ valid: boolean; role: Role | null }> {
  const result = await lookup(code, address);
  if (!result.data?.invitationByCode) throw new Error(`invitationByCode failed: ${JSON.stringify(result.errors)}`);
  return result.data.invitationByCode;
}

interface InternalAnswer {
  status: number;
  body: any;
  headers: Headers;
}

/** Calls an internal route as accounts does: with the private-network credential unless told otherwise. */
async function internal(
  path: 'claim' | 'release',
  body: unknown,
  headers: Record<string, string> = { [GATEWAY_CREDENTIAL_HEADER]: TEST_GATEWAY_SECRET },
): Promise<InternalAnswer> {
  const response = await fetch(`${invitations().url}/internal/invitations/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined, headers: response.headers };
}

const claim = (code: string, role: Role, userId: string = randomUUID(), clientAddress: string | null = newAddress()) =>
  internal('claim', { code, userId, role, clientAddress });

const isEvent = (type: string, invitationId: string) => (event: ReceivedEvent) =>
  event.envelope?.type === type && event.envelope.data.invitationId === invitationId;

const tokenClaims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/** A supplier whose documents are approved: verification announces it, accounts records it, a new sign-in carries it. */
async function verifiedSupplier(): Promise<SignedInUser> {
  const supplier = await registerUser(test, 'SUPPLIER', 'Distribuidora Boa Chama');
  await publishEvent(test.platform.eventBus, VerificationEvents.approved, supplier.id, {
    requestId: randomUUID(),
    userId: supplier.id,
    role: 'SUPPLIER',
    reviewedBy: admin.id,
    approvedAt: new Date().toISOString(),
  });
  return eventually(
    async () => {
      const session = await signIn(test, supplier.email, STRONG_PASSWORD);
      return tokenClaims(session.accessToken)['verified'] === true ? session : undefined;
    },
    20_000,
    'the supplier’s verified sign-in',
  );
}

// ---------------------------------------------------------------------------
// Creating invitations
// ---------------------------------------------------------------------------

describe('creating an invitation', () => {
  it('lets an admin invite a supplier by email, showing the code once and storing only its hash', async () => {
    const before = Date.now();
    const { code, invitation } = await invite(admin, { role: 'SUPPLIER', email: '  Gas.Sul@Example.COM ' });

    expect(code).toMatch(codeShape);
    expect(invitation).toMatchObject({
      role: 'SUPPLIER',
      channel: 'EMAIL',
      recipient: 'gas.sul@example.com',
      status: 'ACTIVE',
      maxUses: 1,
      uses: 0,
      revokedAt: null,
      invitedBy: { id: admin.id },
    });
    const expiresInMs = Date.parse(invitation.expiresAt) - before;
    expect(expiresInMs).toBeGreaterThan(72 * 3600_000 - 60_000);
    expect(expiresInMs).toBeLessThan(72 * 3600_000 + 60_000);

    const symbols = code.slice(3).replace(/-/g, '');
    const { rows } = await sql('select * from invitations where id = $1', [invitation.id]);
    expect(rows[0].code_hash).toBe(createHash('sha256').update(symbols).digest('hex'));
    expect(JSON.stringify(rows[0])).not.toContain(symbols);

    const [created] = await invitationEvents.waitFor(isEvent('invitation.created', invitation.id));
    expect(created!.key).toBe(invitation.id);
    expect(created!.envelope!.data).toMatchObject({
      role: 'SUPPLIER',
      channel: 'EMAIL',
      recipient: 'gas.sul@example.com',
      code,
      invitedBy: admin.id,
      expiresAt: invitation.expiresAt,
      maxUses: 1,
    });
  });

  it('sends by SMS to an E.164 number, with the expiry and uses asked for', async () => {
    const { invitation } = await invite(admin, { role: 'COURIER', email: null, phone: '(11) 98765-4321', expiresInHours: 1, maxUses: 5 });
    expect(invitation).toMatchObject({ channel: 'SMS', recipient: '+5511987654321', maxUses: 5 });
    expect(Date.parse(invitation.expiresAt) - Date.now()).toBeLessThanOrEqual(3600_000);
  });

  it('reports every invalid field together', async () => {
    const result = await inviteAs(admin, { role: 'COURIER', email: 'nobody-at-example', expiresInHours: 721, maxUses: 0 });
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(result.status).toBe(400);
    expect(result.errors![0]!.extensions!['fields'].map((problem: { field: string }) => problem.field)).toEqual([
      'input.email',
      'input.expiresInHours',
      'input.maxUses',
    ]);
    const neither = await inviteAs(admin, { role: 'COURIER' });
    expect(neither.errors![0]!.extensions!['fields']).toEqual([{ field: 'input.email', message: expect.any(String) }]);
    const both = await inviteAs(admin, { role: 'COURIER', email: 'a@example.com', phone: '+5511987654321' });
    expect(both.errors![0]!.extensions!['fields']).toEqual([{ field: 'input.phone', message: expect.any(String) }]);
  });

  it('lets any signed-in user refer a customer, but only admins invite suppliers', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const referral = await invite(customer, { role: 'CUSTOMER' });
    expect(referral.invitation).toMatchObject({ role: 'CUSTOMER', invitedBy: { id: customer.id } });

    for (const role of ['SUPPLIER', 'COURIER'] as const) {
      const refused = await inviteAs(customer, { role, email: 'someone@example.com' });
      expect(firstCode(refused)).toBe('FORBIDDEN');
      expect(refused.status).toBe(403);
    }
    const anonymous = await test.query(createMutation, { variables: { input: { role: 'CUSTOMER', email: 'someone@example.com' } } });
    expect(firstCode(anonymous)).toBe('UNAUTHENTICATED');
  });

  it('refuses a supplier whose documents are not approved when it invites couriers', async () => {
    const supplier = await registerUser(test, 'SUPPLIER');
    const refused = await inviteAs(supplier, { role: 'COURIER', email: 'carlos@example.com' });
    expect(firstCode(refused)).toBe('VERIFICATION_REQUIRED');
    expect(refused.status).toBe(403);
    expect(firstCode(await inviteAs(supplier, { role: 'SUPPLIER', email: 'rival@example.com' }))).toBe('FORBIDDEN');
  });

  it('lets a verified supplier invite couriers, recording the roles it invited with', async () => {
    const supplier = await verifiedSupplier();
    const { invitation } = await invite(supplier, { role: 'COURIER' });
    expect(invitation.invitedBy.id).toBe(supplier.id);
    const { rows } = await sql('select inviter_roles::text[] as roles from invitations where id = $1', [invitation.id]);
    expect(rows[0].roles).toEqual(['SUPPLIER']);
  });

  it('asks an admin signed in without a second factor for one before inviting suppliers', async () => {
    const email = `admin-${randomUUID().slice(0, 8)}@example.com`;
    await accountsInternals(test).accounts.createAccount(
      { email, phone: `+55119${String(randomInt(1e7, 1e8))}`, name: 'Ana Sem MFA', password: STRONG_PASSWORD },
      ['ADMIN'],
      {
        source: 'accounts',
        correlationId: 'test-admin-without-mfa',
      },
    );
    const passwordOnly = await signIn(test, email, STRONG_PASSWORD);
    const refused = await inviteAs(passwordOnly, { role: 'SUPPLIER', email: 'gas@example.com' });
    expect(firstCode(refused)).toBe('MFA_REQUIRED');
  });
});

// ---------------------------------------------------------------------------
// Listing, reading and revoking
// ---------------------------------------------------------------------------

describe('listing and revoking invitations', () => {
  it('pages through the creator’s own invitations newest first', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.push((await invite(customer, { role: 'CUSTOMER' })).invitation.id);

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const result: GraphQLExchange = await test.query(listQuery, { token: customer.accessToken, variables: { first: 2, after } });
      const connection = result.data!['invitations'];
      expect(connection.totalCount).toBe(5);
      seen.push(...connection.nodes.map((node: { id: string }) => node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual([...created].reverse());

    // Somebody else's list does not include them.
    const other = await registerUser(test, 'CUSTOMER');
    const theirs = await test.query(listQuery, { token: other.accessToken, variables: {} });
    expect(theirs.data!['invitations']).toMatchObject({ totalCount: 0, nodes: [] });
    expect(firstCode(await test.query(listQuery, {}))).toBe('UNAUTHENTICATED');
  });

  it('filters by status, computed from the clock, uses and revocation, and by role', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const [active, revoked, expired, exhausted] = await Promise.all([0, 1, 2, 3].map(() => invite(customer, { role: 'CUSTOMER' })));
    await test.query(revokeMutation, { token: customer.accessToken, variables: { id: revoked!.invitation.id } });
    await sql(`update invitations set expires_at = now() - interval '1 minute' where id = $1`, [expired!.invitation.id]);
    expect((await claim(exhausted!.code, 'CUSTOMER')).status).toBe(200);

    const byStatus = async (status: string) => {
      const result = await test.query(listQuery, { token: customer.accessToken, variables: { status } });
      return result.data!['invitations'].nodes.map((node: { id: string; status: string }) => [node.id, node.status]);
    };
    expect(await byStatus('ACTIVE')).toEqual([[active!.invitation.id, 'ACTIVE']]);
    expect(await byStatus('REVOKED')).toEqual([[revoked!.invitation.id, 'REVOKED']]);
    expect(await byStatus('EXPIRED')).toEqual([[expired!.invitation.id, 'EXPIRED']]);
    expect(await byStatus('EXHAUSTED')).toEqual([[exhausted!.invitation.id, 'EXHAUSTED']]);

    // Admins see everybody's; the filters combine.
    const courierInvitation = await invite(admin, { role: 'COURIER' });
    const couriers = await test.query(listQuery, {
      token: admin.accessToken,
      variables: { role: 'COURIER', status: 'ACTIVE', first: 100 },
    });
    const nodes = couriers.data!['invitations'].nodes as Array<{ id: string; role: string; status: string }>;
    expect(nodes.map((node) => node.id)).toContain(courierInvitation.invitation.id);
    expect(nodes.every((node) => node.role === 'COURIER' && node.status === 'ACTIVE')).toBe(true);
    const everyone = await test.query(listQuery, { token: admin.accessToken, variables: { role: 'CUSTOMER', first: 100 } });
    expect(everyone.data!['invitations'].nodes.map((node: { id: string }) => node.id)).toContain(active!.invitation.id);
  });

  it('shows an invitation to its creator and admins only, and the recipient to nobody else', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const stranger = await registerUser(test, 'CUSTOMER');
    const { invitation } = await invite(customer, { role: 'CUSTOMER', email: 'amiga@example.com' });
    expect(await invitationAs(customer, invitation.id)).toMatchObject({
      id: invitation.id,
      recipient: 'amiga@example.com',
      acceptances: [],
    });
    expect(await invitationAs(admin, invitation.id)).toMatchObject({ id: invitation.id, recipient: 'amiga@example.com' });
    expect(await invitationAs(stranger, invitation.id)).toBeNull();
    expect(await invitationAs(stranger, 'not-a-uuid')).toBeNull();
  });

  it('revokes once however often it is asked, and hides the invitation from anyone else', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const stranger = await registerUser(test, 'CUSTOMER');
    const { code, invitation } = await invite(customer, { role: 'CUSTOMER' });

    const refused = await test.query(revokeMutation, { token: stranger.accessToken, variables: { id: invitation.id } });
    expect(firstCode(refused)).toBe('NOT_FOUND');
    expect(firstCode(await test.query(revokeMutation, { token: stranger.accessToken, variables: { id: randomUUID() } }))).toBe('NOT_FOUND');

    const first = await test.query(revokeMutation, { token: customer.accessToken, variables: { id: invitation.id } });
    expect(first.data!['revokeInvitation']).toMatchObject({ status: 'REVOKED', revokedAt: expect.any(String) });
    const again = await test.query(revokeMutation, { token: admin.accessToken, variables: { id: invitation.id } });
    expect(again.data!['revokeInvitation'].revokedAt).toBe(first.data!['revokeInvitation'].revokedAt);
    expect(await checkCode(code)).toEqual({ valid: false, role: null });
  });
});

// ---------------------------------------------------------------------------
// Looking codes up
// ---------------------------------------------------------------------------

describe('looking up a code', () => {
  it('says a usable code is valid and which role it grants, however it is typed', async () => {
    const { code } = await invite(admin, { role: 'COURIER' });
    expect(await checkCode(code)).toEqual({ valid: true, role: 'COURIER' });
    expect(await checkCode(code.toLowerCase().replace(/-/g, ' '))).toEqual({ valid: true, role: 'COURIER' });
    expect(await checkCode(code.slice(3))).toEqual({ valid: true, role: 'COURIER' });
  });

  it('says only "not valid" for unknown, malformed, expired, revoked and exhausted codes', async () => {
    const expired = await invite(admin, { role: 'SUPPLIER' });
    await sql(`update invitations set expires_at = now() - interval '1 second' where id = $1`, [expired.invitation.id]);
    const revoked = await invite(admin, { role: 'SUPPLIER' });
    await test.query(revokeMutation, { token: admin.accessToken, variables: { id: revoked.invitation.id } });
    const exhausted = await invite(admin, { role: 'SUPPLIER' });
    expect((await claim(exhausted.code, 'SUPPLIER')).status).toBe(200);

    for (const code of ['GR-0000-0000-0000-0000-0000', 'hello', '', expired.code, revoked.code, exhausted.code]) {
      expect(await checkCode(code)).toEqual({ valid: false, role: null });
    }
  });

  it('refuses the eleventh lookup within a minute from one address with 429, and no other address', async () => {
    const address = newAddress();
    const { code } = await invite(admin, { role: 'COURIER' });
    for (let i = 0; i < 10; i += 1) {
      const result = await lookup(i % 2 === 0 ? code : 'GR-0000-0000-0000-0000-0000', address);
      expect(result.status).toBe(200);
    }
    const limited = await lookup(code, address);
    expect(limited.status).toBe(429);
    expect(firstCode(limited)).toBe('RATE_LIMITED');
    const retryAfter = limited.errors![0]!.extensions!['retryAfter'];
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('retry-after')).toBe(String(retryAfter));

    expect((await lookup(code, newAddress())).data!.invitationByCode).toEqual({ valid: true, role: 'COURIER' });
    // Registration from the limited address cannot guess either, even with a good code.
    const blocked = await claim(code, 'COURIER', randomUUID(), address);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({ retryAfterSeconds: expect.any(Number), message: expect.any(String) });
    expect(blocked.headers.get('retry-after')).toBe(String(blocked.body.retryAfterSeconds));
  });

  it('counts failed claims toward the same limit as lookups', async () => {
    const address = newAddress();
    for (let i = 0; i < 10; i += 1) {
      const refused = await claim('GR-0000-0000-0000-0000-0000', 'COURIER', randomUUID(), address);
      expect(refused.body).toMatchObject({ reason: 'UNKNOWN' });
    }
    expect((await claim('GR-0000-0000-0000-0000-0000', 'COURIER', randomUUID(), address)).status).toBe(429);
    expect((await lookup('GR-0000-0000-0000-0000-0000', address)).status).toBe(429);
  });
});

// ---------------------------------------------------------------------------
// Claiming and releasing (the routes accounts calls while registering)
// ---------------------------------------------------------------------------

describe('the internal claim routes', () => {
  it('answer only callers holding the private-network credential', async () => {
    const { code } = await invite(admin, { role: 'COURIER' });
    const body = { code, userId: randomUUID(), role: 'COURIER', clientAddress: null };
    const callers: Array<Record<string, string>> = [{}, { [GATEWAY_CREDENTIAL_HEADER]: 'not-the-secret-at-all' }];
    for (const headers of callers) {
      const claimed = await internal('claim', body, headers);
      expect(claimed.status).toBe(403);
      expect(claimed.body).toEqual({ message: expect.any(String) });
      expect((await internal('release', { userId: randomUUID() }, headers)).status).toBe(403);
    }
    expect(await checkCode(code)).toEqual({ valid: true, role: 'COURIER' });
  });

  it('refuse bodies that break the contract, in JSON', async () => {
    const missing = await internal('claim', { code: 'GR-0000-0000-0000-0000-0000', userId: 'nope', role: 'ADMIN' });
    expect(missing.status).toBe(400);
    expect(missing.body.problems.map((problem: { field: string }) => problem.field).sort()).toEqual(['role', 'userId']);
    expect((await internal('claim', '{"code":')).status).toBe(400);
    const text = await fetch(`${invitations().url}/internal/invitations/claim`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', [GATEWAY_CREDENTIAL_HEADER]: TEST_GATEWAY_SECRET },
      body: 'code=1',
    });
    expect(text.status).toBe(415);
  });

  it('take a use for a user, and give the same answer when the claim is repeated', async () => {
    const { code, invitation } = await invite(admin, { role: 'COURIER', maxUses: 2 });
    const userId = randomUUID();
    const first = await claim(code.toLowerCase(), 'COURIER', userId);
    expect(first).toMatchObject({ status: 200, body: { invitationId: invitation.id, role: 'COURIER', invitedBy: admin.id } });
    const repeated = await claim(code, 'COURIER', userId);
    expect(repeated).toMatchObject({ status: 200, body: first.body });
    expect(await invitationAs(admin, invitation.id)).toMatchObject({ uses: 1, status: 'ACTIVE' });
  });

  it('refuse a code for another role, and say which reason applies', async () => {
    const { code } = await invite(admin, { role: 'COURIER' });
    expect(await claim(code, 'SUPPLIER')).toMatchObject({
      status: 422,
      body: { reason: 'ROLE_MISMATCH', message: expect.stringContaining('COURIER') },
    });
    expect(await claim('GR-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ', 'COURIER')).toMatchObject({ status: 422, body: { reason: 'UNKNOWN' } });
    expect(await claim('not a code', 'COURIER')).toMatchObject({ status: 422, body: { reason: 'UNKNOWN' } });

    const revoked = await invite(admin, { role: 'COURIER' });
    await test.query(revokeMutation, { token: admin.accessToken, variables: { id: revoked.invitation.id } });
    expect(await claim(revoked.code, 'COURIER')).toMatchObject({ status: 422, body: { reason: 'REVOKED' } });

    const expired = await invite(admin, { role: 'COURIER' });
    await sql(`update invitations set expires_at = now() - interval '1 second' where id = $1`, [expired.invitation.id]);
    expect(await claim(expired.code, 'COURIER')).toMatchObject({ status: 422, body: { reason: 'EXPIRED' } });
  });

  it('let exactly one of many concurrent registrations take the last use', async () => {
    const { code, invitation } = await invite(admin, { role: 'COURIER', maxUses: 3 });
    expect((await claim(code, 'COURIER')).status).toBe(200);
    expect((await claim(code, 'COURIER')).status).toBe(200);

    const answers = await Promise.all(Array.from({ length: 10 }, () => claim(code, 'COURIER')));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const losers = answers.filter((answer) => answer.status !== 200);
    expect(losers).toHaveLength(9);
    for (const loser of losers) expect(loser).toMatchObject({ status: 422, body: { reason: 'EXHAUSTED' } });

    const { rows } = await sql(
      `select uses, (select count(*)::int from invitation_acceptances where invitation_id = $1) as claims from invitations where id = $1`,
      [invitation.id],
    );
    expect(rows[0]).toEqual({ uses: 3, claims: 3 });
  });

  it('let exactly one of many concurrent registrations take a single-use code', async () => {
    const { code } = await invite(admin, { role: 'SUPPLIER' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => claim(code, 'SUPPLIER')));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, ...Array(9).fill(422)]);
  });

  it('give a released claim’s use back, once', async () => {
    const { code, invitation } = await invite(admin, { role: 'COURIER' });
    const userId = randomUUID();
    expect((await claim(code, 'COURIER', userId)).status).toBe(200);
    expect(await checkCode(code)).toEqual({ valid: false, role: null });

    const released = await internal('release', { userId });
    expect(released.status).toBe(204);
    expect(released.body).toBeUndefined();
    expect((await internal('release', { userId })).status).toBe(204);
    expect(await invitationAs(admin, invitation.id)).toMatchObject({ uses: 0, status: 'ACTIVE' });
    expect(await checkCode(code)).toEqual({ valid: true, role: 'COURIER' });
  });

  it('release a claim whose account never appeared once the claim timeout has passed', async () => {
    const { code, invitation } = await invite(admin, { role: 'COURIER' });
    const userId = randomUUID();
    expect((await claim(code, 'COURIER', userId)).status).toBe(200);
    await sql(`update invitation_acceptances set claimed_at = now() - interval '1 hour' where user_id = $1`, [userId]);
    await eventually(
      async () => ((await invitationAs(admin, invitation.id))?.uses === 0 ? true : undefined),
      10_000,
      'the stale claim released',
    );
    expect((await sql('select count(*)::int as n from invitation_acceptances where user_id = $1', [userId])).rows[0].n).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// Accepting, expiring, forgetting
// ---------------------------------------------------------------------------

describe('the invitation lifecycle', () => {
  it('accepts the invitation when the invited courier’s account is created, once even if user.created comes again', async () => {
    const { code, invitation } = await invite(admin, { role: 'COURIER' });
    const courier = await registerUser(test, 'COURIER', 'João Entregador', { invitationCode: code });

    const [accepted] = await invitationEvents.waitFor(isEvent('invitation.accepted', invitation.id));
    expect(accepted!.key).toBe(invitation.id);
    expect(accepted!.envelope!.data).toEqual({
      invitationId: invitation.id,
      userId: courier.id,
      role: 'COURIER',
      invitedBy: admin.id,
      inviterRoles: ['ADMIN'],
      acceptedAt: expect.any(String),
    });
    const seen = await invitationAs(admin, invitation.id);
    expect(seen).toMatchObject({
      status: 'EXHAUSTED',
      uses: 1,
      acceptances: [{ user: { id: courier.id }, acceptedAt: accepted!.envelope!.data.acceptedAt }],
    });

    // The invitee may see the invitation it used, but not where it was sent.
    expect(await invitationAs(courier, invitation.id)).toMatchObject({ id: invitation.id, recipient: null, acceptances: null });

    const [created] = await userEvents.waitFor((event) => event.envelope?.type === 'user.created' && event.envelope.subject === courier.id);
    const consumer = invitations().consumers.find((candidate) => candidate.name === 'invitations.user-lifecycle')!;
    const duplicatesBefore = consumer.stats().duplicates;
    await test.platform.eventBus.publish([{ topic: USER_TOPIC, key: courier.id, value: created!.raw! }]);
    await eventually(async () => (consumer.stats().duplicates > duplicatesBefore ? true : undefined), 15_000, 'the duplicate noticed');
    expect(invitationEvents.received.filter(isEvent('invitation.accepted', invitation.id))).toHaveLength(1);
  });

  it('publishes invitation.expired once per invitation, however many sweeps run at the same time', async () => {
    const created = await Promise.all(Array.from({ length: 12 }, () => invite(admin, { role: 'CUSTOMER' })));
    const ids = created.map(({ invitation }) => invitation.id);
    await sql(`update invitations set expires_at = now() - interval '1 second' where id = any($1::uuid[])`, [ids]);
    // Four more sweepers beside the job, as other instances would run it.
    const store = invitationStore(invitations().database.client);
    const events = invitationExpiredEvents({ source: 'invitations', correlationId: 'test-concurrent-sweeps' });
    await Promise.all(Array.from({ length: 4 }, () => store.expireDue(5, events)));

    for (const id of ids) await invitationEvents.waitFor(isEvent('invitation.expired', id));
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // a couple more sweeps of the job
    for (const id of ids) expect(invitationEvents.received.filter(isEvent('invitation.expired', id))).toHaveLength(1);

    const [expired] = invitationEvents.received.filter(isEvent('invitation.expired', ids[0]!));
    expect(expired!.envelope!.data).toEqual({
      invitationId: ids[0],
      role: 'CUSTOMER',
      invitedBy: admin.id,
      uses: 0,
      expiredAt: expect.any(String),
    });
    expect(await invitationAs(admin, ids[0]!)).toMatchObject({ status: 'EXPIRED' });
    const { rows } = await sql('select count(*)::int as n from invitations where id = any($1::uuid[]) and expired_at is null', [ids]);
    expect(rows[0].n).toBe(0);
  });

  it('leaves revoked and unexpired invitations to the expiry job alone', async () => {
    const live = await invite(admin, { role: 'CUSTOMER' });
    const revoked = await invite(admin, { role: 'CUSTOMER' });
    await test.query(revokeMutation, { token: admin.accessToken, variables: { id: revoked.invitation.id } });
    await sql(`update invitations set expires_at = now() - interval '1 second' where id = $1`, [revoked.invitation.id]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(invitationEvents.received.filter(isEvent('invitation.expired', live.invitation.id))).toHaveLength(0);
    expect(invitationEvents.received.filter(isEvent('invitation.expired', revoked.invitation.id))).toHaveLength(0);
  });

  it('forgets a deleted invitee’s email and revokes what a deleted user had sent', async () => {
    const { code, invitation } = await invite(admin, { role: 'CUSTOMER', email: 'vizinha@example.com' });
    const invitee = await registerUser(test, 'CUSTOMER', 'Vizinha', { invitationCode: code });
    await invitationEvents.waitFor(isEvent('invitation.accepted', invitation.id));
    const sent = await invite(invitee, { role: 'CUSTOMER', phone: '+5511912345678', email: null });

    const deleted = await test.query(`mutation { deleteAccount }`, { token: invitee.accessToken });
    expect(deleted.errors).toBeUndefined();
    await eventually(
      async () => ((await invitationAs(admin, invitation.id))?.recipient === null ? true : undefined),
      15_000,
      'the recipient erased',
    );
    await eventually(
      async () => ((await invitationAs(admin, sent.invitation.id))?.status === 'REVOKED' ? true : undefined),
      15_000,
      'the sent invitation revoked',
    );
    expect((await invitationAs(admin, sent.invitation.id))!.recipient).toBe('+5511912345678');
  });
});
