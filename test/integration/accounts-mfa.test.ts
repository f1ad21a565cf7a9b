import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountsDatabase } from '../../subgraphs/accounts/src/database.js';
import { firstCode, type GraphQLExchange } from '../support/graphql-client.js';
import { eventually } from '../support/event-probe.js';
import { startTestPlatform, TEST_GATEWAY_SECRET, type TestPlatform } from '../support/platform.js';
import {
  accountsInternals,
  createAdmin,
  enrolMfa,
  nextTotpCode,
  registerUser,
  signIn,
  STRONG_PASSWORD,
  totpCode,
  uniqueContact,
  type MfaUser,
  type SignedInUser,
} from '../support/users.js';

let test: TestPlatform;
beforeAll(async () => {
  test = await startTestPlatform();
});
afterAll(async () => {
  await test?.stop();
});

const sessionFields = 'accessToken refreshToken user { id }';
const login = `mutation ($input: LoginInput!) {
  login(input: $input) {
    __typename
    ... on Session { ${sessionFields} }
    ... on MfaChallenge { challengeToken expiresIn methods }
  }
}`;
const verifyMfaLogin = `mutation ($token: String!, $code: String!) { verifyMfaLogin(challengeToken: $token, code: $code) { ${sessionFields} } }`;
const stepUp = `mutation ($code: String!) { stepUpMfa(code: $code) { ${sessionFields} } }`;
const setRoles = `mutation ($id: ID!, $roles: [Role!]!) { setUserRoles(userId: $id, roles: $roles) { roles } }`;

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, any>;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const accountsDatabase = () => test.platform.subgraphs.get('accounts')!.database.client as unknown as AccountsDatabase;

/** A customer enrolled in MFA; the password is STRONG_PASSWORD. */
async function enrolledCustomer(): Promise<MfaUser & { recoveryCodes: string[] }> {
  return enrolMfa(test, await registerUser(test));
}

async function challengeFor(email: string): Promise<string> {
  const result = await test.query(login, { variables: { input: { email, password: STRONG_PASSWORD } } });
  expect(result.data?.['login']).toMatchObject({ __typename: 'MfaChallenge' });
  return result.data!['login'].challengeToken as string;
}

const answer = (token: string, code: string) => test.query(verifyMfaLogin, { variables: { token, code } });

/** A six-digit code that is not the secret's code anywhere near now. */
function wrongCodeFor(secret: string): string {
  const near = [-1, 0, 1].map((offset) => totpCode(secret, Date.now() + offset * 30_000));
  let candidate = 0;
  while (near.includes(String(candidate).padStart(6, '0'))) candidate += 1;
  return String(candidate).padStart(6, '0');
}

const reason = (exchange: GraphQLExchange) => exchange.errors?.[0]?.extensions?.['reason'];

describe('enrolment', () => {
  it('returns a 160-bit secret and an otpauth URI naming GasRápido and the account', async () => {
    const user = await registerUser(test);
    const begun = await test.query(`mutation { beginMfaEnrolment { secret provisioningUri } }`, { token: user.accessToken });
    expect(begun.errors).toBeUndefined();
    const { secret, provisioningUri } = begun.data!['beginMfaEnrolment'];
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(provisioningUri).toBe(
      `otpauth://totp/GasR%C3%A1pido:${encodeURIComponent(user.email)}?secret=${secret}&issuer=GasR%C3%A1pido&algorithm=SHA1&digits=6&period=30`,
    );
    const stored = await accountsDatabase().mfaFactor.findUniqueOrThrow({ where: { userId: user.id } });
    expect(stored.encryptedSecret).not.toContain(secret);
  });

  it('needs a signed-in user', async () => {
    const anonymous = await test.query(`mutation { beginMfaEnrolment { secret } }`);
    expect(firstCode(anonymous)).toBe('UNAUTHENTICATED');
  });

  it('stays off until a code from the app confirms it, and a new beginning replaces the pending secret', async () => {
    const user = await registerUser(test);
    const first = (await test.query(`mutation { beginMfaEnrolment { secret } }`, { token: user.accessToken })).data!['beginMfaEnrolment']
      .secret;
    const second = (await test.query(`mutation { beginMfaEnrolment { secret } }`, { token: user.accessToken })).data!['beginMfaEnrolment']
      .secret;
    expect(second).not.toBe(first);
    const me = await test.query(`{ me { mfaEnabled } }`, { token: user.accessToken });
    expect(me.data!['me']).toEqual({ mfaEnabled: false });

    const withOldSecret = await test.query(`mutation ($code: String!) { confirmMfaEnrolment(code: $code) { recoveryCodes } }`, {
      token: user.accessToken,
      variables: { code: totpCode(first) },
    });
    expect(firstCode(withOldSecret)).toBe('BAD_USER_INPUT');
    expect(withOldSecret.errors![0]!.extensions!['fields']).toEqual([{ field: 'code', message: expect.any(String) }]);

    const signedIn = await signIn(test, user.email, STRONG_PASSWORD);
    expect(signedIn.accessToken).toBeTruthy();
  });

  it('turns MFA on with ten distinct recovery codes and a session proven with the second factor', async () => {
    const user = await registerUser(test);
    const before = nowSeconds();
    const enrolled = await enrolMfa(test, user);
    expect(enrolled.recoveryCodes).toHaveLength(10);
    expect(new Set(enrolled.recoveryCodes).size).toBe(10);
    expect(enrolled.recoveryCodes.every((code) => /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/.test(code))).toBe(true);

    const claims = claimsOf(enrolled.accessToken);
    expect(claims['amr']).toEqual(['pwd', 'otp']);
    expect(claims['auth_time']).toBeGreaterThanOrEqual(before - 1);
    expect(claims['auth_time']).toBeLessThanOrEqual(nowSeconds() + 1);
    expect(claimsOf(user.accessToken)['amr']).toEqual(['pwd']);

    const me = await test.query(`{ me { mfaEnabled } }`, { token: enrolled.accessToken });
    expect(me.data!['me']).toEqual({ mfaEnabled: true });
    const stored = await accountsDatabase().mfaRecoveryCode.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(10);
    expect(stored.map((row) => row.codeHash)).not.toContain(enrolled.recoveryCodes[0]);

    const again = await test.query(`mutation { beginMfaEnrolment { secret } }`, { token: enrolled.accessToken });
    expect(firstCode(again)).toBe('CONFLICT');
  });

  it('shows mfaEnabled to the user and admins only', async () => {
    const owner = await enrolledCustomer();
    const stranger = await registerUser(test);
    const admin = await createAdmin(test);
    const query = `query ($id: ID!) { user(id: $id) { mfaEnabled } }`;
    const byAdmin = await test.query(query, { token: admin.accessToken, variables: { id: owner.id } });
    expect(byAdmin.data!['user']).toEqual({ mfaEnabled: true });
    const entity = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { mfaEnabled } } }`;
    const byStranger = await fetch(test.subgraphUrl('accounts'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gateway-credential': TEST_GATEWAY_SECRET,
        authorization: `Bearer ${stranger.accessToken}`,
      },
      body: JSON.stringify({ query: entity, variables: { representations: [{ __typename: 'User', id: owner.id }] } }),
    });
    expect(((await byStranger.json()) as { data: { _entities: unknown[] } }).data._entities).toEqual([{ mfaEnabled: null }]);
  });
});

describe('signing in with MFA on', () => {
  it('takes two steps: the password gives a challenge, a current code gives the session', async () => {
    const user = await enrolledCustomer();
    const first = await test.query(login, { variables: { input: { email: user.email, password: STRONG_PASSWORD } } });
    expect(first.data!['login']).toEqual({
      __typename: 'MfaChallenge',
      challengeToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresIn: 300,
      methods: ['TOTP', 'RECOVERY_CODE'],
    });
    const before = nowSeconds();
    const second = await answer(first.data!['login'].challengeToken, await nextTotpCode(user.totpSecret));
    expect(second.errors).toBeUndefined();
    const session = second.data!['verifyMfaLogin'];
    expect(session.user).toEqual({ id: user.id });
    expect(claimsOf(session.accessToken)).toMatchObject({ sub: user.id, amr: ['pwd', 'otp'] });
    expect(claimsOf(session.accessToken)['auth_time']).toBeGreaterThanOrEqual(before - 1);

    const reused = await answer(first.data!['login'].challengeToken, totpCode(user.totpSecret, Date.now() + 30_000));
    expect(firstCode(reused)).toBe('UNAUTHENTICATED');
  });

  it('still refuses a wrong password before any challenge', async () => {
    const user = await enrolledCustomer();
    const result = await test.query(login, { variables: { input: { email: user.email, password: 'Wrong-Passw0rd!' } } });
    expect(firstCode(result)).toBe('UNAUTHENTICATED');
    expect(result.data?.['login'] ?? null).toBeNull();
  });

  it('refuses a wrong code and says how many attempts are left', async () => {
    const user = await enrolledCustomer();
    const token = await challengeFor(user.email);
    const wrong = await answer(token, wrongCodeFor(user.totpSecret));
    expect(wrong.status).toBe(401);
    expect(firstCode(wrong)).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0]!.message).toMatch(/incorrect.*4 attempts left/);
    const right = await answer(token, await nextTotpCode(user.totpSecret));
    expect(right.errors).toBeUndefined();
  });

  it('refuses the same code twice, even in a fresh challenge', async () => {
    const user = await enrolledCustomer();
    const code = await nextTotpCode(user.totpSecret);
    expect((await answer(await challengeFor(user.email), code)).errors).toBeUndefined();
    const replay = await answer(await challengeFor(user.email), code);
    expect(firstCode(replay)).toBe('UNAUTHENTICATED');
    expect(replay.errors![0]!.message).toMatch(/already used/);
  });

  it('accepts a recovery code once', async () => {
    const user = await enrolledCustomer();
    const [recoveryCode] = user.recoveryCodes;
    const first = await answer(await challengeFor(user.email), recoveryCode!.toLowerCase());
    expect(first.errors).toBeUndefined();
    expect(claimsOf(first.data!['verifyMfaLogin'].accessToken)['amr']).toEqual(['pwd', 'otp']);
    const second = await answer(await challengeFor(user.email), recoveryCode!);
    expect(firstCode(second)).toBe('UNAUTHENTICATED');
    const used = await accountsDatabase().mfaRecoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } });
    expect(used).toBe(1);
  });

  it('cancels the challenge after five wrong codes, so even the right one fails then', async () => {
    const user = await enrolledCustomer();
    const token = await challengeFor(user.email);
    const wrong = wrongCodeFor(user.totpSecret);
    const messages: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) messages.push((await answer(token, wrong)).errors![0]!.message);
    expect(messages[3]).toMatch(/1 attempt left/);
    expect(messages[4]).toMatch(/Too many wrong codes.*Sign in with your password again/);
    // The next step's code, which the server has never accepted: right, but too late.
    const right = await answer(token, totpCode(user.totpSecret, Date.now() + 30_000));
    expect(firstCode(right)).toBe('UNAUTHENTICATED');
    expect(right.errors![0]!.message).toMatch(/Too many wrong codes/);
    // A new sign-in starts afresh.
    expect((await answer(await challengeFor(user.email), await nextTotpCode(user.totpSecret))).errors).toBeUndefined();
  });

  it('cannot be raced past the attempt limit with concurrent guesses', async () => {
    const user = await enrolledCustomer();
    const token = await challengeFor(user.email);
    const wrong = wrongCodeFor(user.totpSecret);
    await Promise.all(Array.from({ length: 8 }, () => answer(token, wrong)));
    const challenge = await accountsDatabase().mfaLoginChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(challenge.attempts).toBe(5);
  });

  it('checks at most ten codes per lock period however many guesses arrive at once, across challenges', async () => {
    const user = await enrolledCustomer();
    const challenges = [];
    for (let index = 0; index < 6; index += 1) challenges.push(await challengeFor(user.email));
    const wrong = wrongCodeFor(user.totpSecret);
    // 30 guesses at once, five per challenge: each challenge alone would allow them all.
    const answers = await Promise.all(challenges.flatMap((token) => Array.from({ length: 5 }, () => answer(token, wrong))));
    const locked = answers.filter((exchange) => firstCode(exchange) === 'RATE_LIMITED');
    const checked = answers.filter((exchange) => firstCode(exchange) === 'UNAUTHENTICATED');
    expect(checked.length + locked.length).toBe(30);
    expect(checked.length).toBeLessThanOrEqual(9);
    expect(locked.length).toBeGreaterThanOrEqual(21);
    expect(locked[0]!.errors![0]!.extensions!['retryAfter']).toBeGreaterThan(0);
    // While locked, even the right code is not checked.
    const right = await answer(await challengeFor(user.email), totpCode(user.totpSecret, Date.now() + 30_000));
    expect(firstCode(right)).toBe('RATE_LIMITED');
  });

  it('keeps the second factor and its time across refreshes', async () => {
    const user = await enrolledCustomer();
    const session = await signIn(test, user.email, STRONG_PASSWORD, user.totpSecret);
    const original = claimsOf(session.accessToken);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const refreshed = await test.query(`mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken } }`, {
      variables: { token: session.refreshToken },
    });
    const claims = claimsOf(refreshed.data!['refreshSession'].accessToken);
    expect(claims['amr']).toEqual(['pwd', 'otp']);
    expect(claims['auth_time']).toBe(original['auth_time']);
    expect(claims['iat']).toBeGreaterThan(original['iat']);
  });
});

describe('admins', () => {
  async function adminWithoutMfa(): Promise<SignedInUser> {
    const contact = uniqueContact();
    await accountsInternals(test).accounts.createAccount({ ...contact, name: 'Nova Admin', password: STRONG_PASSWORD }, ['ADMIN'], {
      source: 'accounts',
      correlationId: 'test-admin-without-mfa',
    });
    return signIn(test, contact.email, STRONG_PASSWORD);
  }

  it('can sign in without MFA, but get MFA_REQUIRED (ENROLMENT_REQUIRED) for admin operations until they enrol', async () => {
    const admin = await adminWithoutMfa();
    expect(claimsOf(admin.accessToken)).toMatchObject({ roles: ['ADMIN'], amr: ['pwd'] });
    const refused = await test.query(`{ users { totalCount } }`, { token: admin.accessToken });
    expect(refused.status).toBe(403);
    expect(firstCode(refused)).toBe('MFA_REQUIRED');
    expect(reason(refused)).toBe('ENROLMENT_REQUIRED');

    const enrolled = await enrolMfa(test, admin);
    const allowed = await test.query(`{ users { totalCount } }`, { token: enrolled.accessToken });
    expect(allowed.errors).toBeUndefined();
  });

  it('need a recent second factor to change roles: a stale one gets STEP_UP_REQUIRED, stepUpMfa fixes it', async () => {
    const admin = await createAdmin(test);
    const customer = await registerUser(test);
    // A token whose second factor is 16 minutes old (MFA_MAX_AGE_SECONDS is 900), signed by accounts itself.
    const stale = await accountsInternals(test).accessTokens.issue(
      { id: admin.id, roles: ['ADMIN'], verified: false },
      { amr: ['pwd', 'otp'], authTime: new Date(Date.now() - 16 * 60_000) },
    );
    const listing = await test.query(`{ users(first: 1) { totalCount } }`, { token: stale.token });
    expect(listing.errors).toBeUndefined();
    const refused = await test.query(setRoles, { token: stale.token, variables: { id: customer.id, roles: ['CUSTOMER', 'COURIER'] } });
    expect(firstCode(refused)).toBe('MFA_REQUIRED');
    expect(reason(refused)).toBe('STEP_UP_REQUIRED');
    expect(refused.errors![0]!.extensions!['maxAgeSeconds']).toBe(900);

    const steppedUp = await test.query(stepUp, { token: stale.token, variables: { code: await nextTotpCode(admin.totpSecret) } });
    expect(steppedUp.errors).toBeUndefined();
    const fresh = steppedUp.data!['stepUpMfa'].accessToken as string;
    expect(claimsOf(fresh)['auth_time']).toBeGreaterThanOrEqual(nowSeconds() - 2);
    const changed = await test.query(setRoles, { token: fresh, variables: { id: customer.id, roles: ['CUSTOMER', 'COURIER'] } });
    expect(changed.data!['setUserRoles']).toEqual({ roles: ['CUSTOMER', 'COURIER'] });
  });

  it('cannot disable MFA', async () => {
    const admin = await createAdmin(test);
    const refused = await test.query(`mutation ($password: String!, $code: String!) { disableMfa(password: $password, code: $code) }`, {
      token: admin.accessToken,
      variables: { password: STRONG_PASSWORD, code: await nextTotpCode(admin.totpSecret) },
    });
    expect(firstCode(refused)).toBe('FORBIDDEN');
    expect(refused.errors![0]!.message).toMatch(/Admins must keep multi-factor authentication on/);
  });
});

describe('step-up', () => {
  it('refuses a wrong code and a user without MFA', async () => {
    const user = await enrolledCustomer();
    const wrong = await test.query(stepUp, { token: user.accessToken, variables: { code: wrongCodeFor(user.totpSecret) } });
    expect(firstCode(wrong)).toBe('BAD_USER_INPUT');
    const plain = await registerUser(test);
    const notEnrolled = await test.query(stepUp, { token: plain.accessToken, variables: { code: '123456' } });
    expect(firstCode(notEnrolled)).toBe('MFA_REQUIRED');
    expect(reason(notEnrolled)).toBe('ENROLMENT_REQUIRED');
  });
});

describe('recovery codes and disabling', () => {
  const disable = `mutation ($password: String!, $code: String!) { disableMfa(password: $password, code: $code) }`;

  it('regenerates the recovery codes: the old ones stop working, the new ones work', async () => {
    const user = await enrolledCustomer();
    const regenerated = await test.query(`mutation ($code: String!) { regenerateRecoveryCodes(code: $code) }`, {
      token: user.accessToken,
      variables: { code: await nextTotpCode(user.totpSecret) },
    });
    const fresh = regenerated.data!['regenerateRecoveryCodes'] as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(user.recoveryCodes[0]);
    expect(firstCode(await answer(await challengeFor(user.email), user.recoveryCodes[0]!))).toBe('UNAUTHENTICATED');
    expect((await answer(await challengeFor(user.email), fresh[0]!)).errors).toBeUndefined();
  });

  it('needs the password and a code, and afterwards signing in takes the password alone', async () => {
    const user = await enrolledCustomer();
    const wrongPassword = await test.query(disable, {
      token: user.accessToken,
      variables: { password: 'Wrong-Passw0rd!', code: await nextTotpCode(user.totpSecret) },
    });
    expect(firstCode(wrongPassword)).toBe('BAD_USER_INPUT');
    const wrongCode = await test.query(disable, {
      token: user.accessToken,
      variables: { password: STRONG_PASSWORD, code: wrongCodeFor(user.totpSecret) },
    });
    expect(firstCode(wrongCode)).toBe('BAD_USER_INPUT');
    expect(await accountsInternals(test).mfa.isEnabled(user.id)).toBe(true);

    const disabled = await test.query(disable, {
      token: user.accessToken,
      variables: { password: STRONG_PASSWORD, code: user.recoveryCodes[1]! },
    });
    expect(disabled.data).toEqual({ disableMfa: true });
    const next = await test.query(login, { variables: { input: { email: user.email, password: STRONG_PASSWORD } } });
    expect(next.data!['login'].__typename).toBe('Session');
    expect(await accountsDatabase().mfaRecoveryCode.count({ where: { userId: user.id } })).toBe(0);
    // Sessions that proved the removed factor end with it: none may keep counting as second-factor sessions.
    const refreshed = await test.query('mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken } }', {
      variables: { token: user.refreshToken },
    });
    expect(firstCode(refreshed)).toBe('UNAUTHENTICATED');
  });
});

describe('deleting an account', () => {
  it('erases the second factor, the recovery codes and open challenges with the personal data', async () => {
    const user = await enrolledCustomer();
    await challengeFor(user.email);
    const database = accountsDatabase();
    expect(await database.mfaLoginChallenge.count({ where: { userId: user.id } })).toBe(1);
    // Let the relay publish user.created (it carries the name) first, so the deletion finds it published.
    const unpublished = async () =>
      (
        await database.$queryRaw<
          Array<{ count: bigint }>
        >`select count(*) as count from outbox_events where key = ${user.id} and published_at is null`
      )[0]?.count;
    await eventually(async () => ((await unpublished()) === 0n ? true : undefined));

    const deleted = await test.query(`mutation { deleteAccount }`, { token: user.accessToken });
    expect(deleted.data).toEqual({ deleteAccount: true });
    expect(await database.mfaFactor.count({ where: { userId: user.id } })).toBe(0);
    expect(await database.mfaRecoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await database.mfaLoginChallenge.count({ where: { userId: user.id } })).toBe(0);
    const row = await database.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ name: 'Deleted user', passwordHash: '!', verified: false, invitationId: null });
    expect(row.email).not.toBe(user.email);
    const published = await database.$queryRaw<Array<{ count: bigint }>>`
      select count(*) as count from outbox_events where key = ${user.id} and published_at is not null and envelope::text like '%Maria Silva%'`;
    expect(Number(published[0]!.count)).toBe(0);
  });
});
