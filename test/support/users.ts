import { randomBytes } from 'node:crypto';
import type { Role } from '#kit';
import type { AccountsSubgraph } from '../../subgraphs/accounts/src/subgraph.js';
import { TOTP_STEP_SECONDS, TOTP_WINDOW_STEPS, timeStep, totpCode as codeAt } from '../../subgraphs/accounts/src/mfa/totp.js';
import type { TestPlatform } from './platform.js';

export const STRONG_PASSWORD = 'Corr3ct-Horse-Battery';

export interface SignedInUser {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

/** An admin enrolled in MFA and signed in with a code: their token carries admin powers. */
export interface MfaUser extends SignedInUser {
  /** The base32 TOTP secret, for totpCode(). */
  totpSecret: string;
}

let sequence = 0;

/** A unique, valid email and Brazilian mobile number for each call. */
export function uniqueContact(): { email: string; phone: string } {
  sequence += 1;
  const suffix = `${process.pid}${sequence}`.slice(-8).padStart(8, '0');
  return { email: `user-${randomBytes(4).toString('hex')}@example.com`, phone: `+55119${suffix}` };
}

/** The newest time step this process has handed out a code for, per secret. */
const lastStepBySecret = new Map<string, number>();

/**
 * A TOTP code for the secret. With `atMs`, simply the code at that moment.
 * Without it, a code the server will accept now: accounts refuses a code
 * whose time step is not newer than the last one it accepted, so when this
 * process already used the current step, this gives the next step's code
 * (the server accepts one step ahead). Throws when even that was used; then
 * `await nextTotpCode(secret)`, which waits for the clock.
 */
export function totpCode(secret: string, atMs?: number): string {
  if (atMs !== undefined) return codeAt(secret, atMs);
  const now = timeStep(Date.now());
  const step = Math.max(now, (lastStepBySecret.get(secret) ?? -1) + 1);
  if (step > now + TOTP_WINDOW_STEPS) {
    throw new Error('this secret’s current codes were all used; call `await nextTotpCode(secret)`, which waits for the next one');
  }
  lastStepBySecret.set(secret, step);
  return codeAt(secret, step * TOTP_STEP_SECONDS * 1000);
}

/** Like totpCode(secret), waiting (up to one step) when the codes usable now were already used. */
export async function nextTotpCode(secret: string): Promise<string> {
  const wanted = (lastStepBySecret.get(secret) ?? -1) + 1;
  const earliest = (wanted - TOTP_WINDOW_STEPS) * TOTP_STEP_SECONDS * 1000;
  if (Date.now() < earliest) await new Promise((resolve) => setTimeout(resolve, earliest - Date.now() + 50));
  return totpCode(secret);
}

const sessionFields = 'accessToken refreshToken user { id email }';

interface SessionPayload {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string };
}

const asSignedIn = ({ accessToken, refreshToken, user }: SessionPayload): SignedInUser => ({
  id: user.id,
  email: user.email,
  accessToken,
  refreshToken,
});

/**
 * Registers through the gateway. SUPPLIER and COURIER registration needs an
 * invitation code; a test that is not about onboarding may leave it out, and
 * then the account is created through accounts' internals (as the admin
 * bootstrap does) and signed in — a shortcut that skips the invitation.
 */
export async function registerUser(
  test: TestPlatform,
  role: 'CUSTOMER' | 'SUPPLIER' | 'COURIER' = 'CUSTOMER',
  name = 'Maria Silva',
  options: { invitationCode?: string } = {},
): Promise<SignedInUser> {
  const contact = uniqueContact();
  if (role !== 'CUSTOMER' && options.invitationCode === undefined) {
    await accountsInternals(test).accounts.createAccount({ ...contact, name, password: STRONG_PASSWORD }, [role], {
      source: 'accounts',
      correlationId: 'test-uninvited-registration',
    });
    return signIn(test, contact.email, STRONG_PASSWORD);
  }
  const input = {
    ...contact,
    name,
    password: STRONG_PASSWORD,
    role,
    ...(options.invitationCode === undefined ? {} : { invitationCode: options.invitationCode }),
  };
  const result = await test.query<{ register: SessionPayload }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { ${sessionFields} } }`,
    { variables: { input } },
  );
  if (!result.data?.register) throw new Error(`register failed: ${JSON.stringify(result.errors)}`);
  return asSignedIn(result.data.register);
}

/**
 * Signs in through the gateway, answering the MFA challenge with a code from
 * `totpSecret` when the account has MFA on.
 */
export async function signIn(test: TestPlatform, email: string, password: string, totpSecret?: string): Promise<SignedInUser> {
  const result = await test.query<{
    login: (SessionPayload & { __typename: 'Session' }) | { __typename: 'MfaChallenge'; challengeToken: string };
  }>(
    `mutation ($input: LoginInput!) {
      login(input: $input) { __typename ... on Session { ${sessionFields} } ... on MfaChallenge { challengeToken } }
    }`,
    { variables: { input: { email, password } } },
  );
  const login = result.data?.login;
  if (!login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
  if (login.__typename === 'Session') return asSignedIn(login);
  if (totpSecret === undefined) throw new Error(`${email} has MFA on: pass its TOTP secret to signIn`);
  const verified = await test.query<{ verifyMfaLogin: SessionPayload }>(
    `mutation ($token: String!, $code: String!) { verifyMfaLogin(challengeToken: $token, code: $code) { ${sessionFields} } }`,
    { variables: { token: login.challengeToken, code: await nextTotpCode(totpSecret) } },
  );
  if (!verified.data?.verifyMfaLogin) throw new Error(`MFA sign-in failed: ${JSON.stringify(verified.errors)}`);
  return asSignedIn(verified.data.verifyMfaLogin);
}

/**
 * Enrols a signed-in user in MFA with a computed code; returns the session
 * the confirmation opens (amr pwd+otp, auth_time now) and the secret.
 */
export async function enrolMfa(test: TestPlatform, user: SignedInUser): Promise<MfaUser & { recoveryCodes: string[] }> {
  const begun = await test.query<{ beginMfaEnrolment: { secret: string } }>('mutation { beginMfaEnrolment { secret } }', {
    token: user.accessToken,
  });
  const secret = begun.data?.beginMfaEnrolment.secret;
  if (!secret) throw new Error(`MFA enrolment failed: ${JSON.stringify(begun.errors)}`);
  const confirmed = await test.query<{ confirmMfaEnrolment: { recoveryCodes: string[]; session: SessionPayload } }>(
    `mutation ($code: String!) { confirmMfaEnrolment(code: $code) { recoveryCodes session { ${sessionFields} } } }`,
    { token: user.accessToken, variables: { code: await nextTotpCode(secret) } },
  );
  const activation = confirmed.data?.confirmMfaEnrolment;
  if (!activation) throw new Error(`MFA confirmation failed: ${JSON.stringify(confirmed.errors)}`);
  return { ...asSignedIn(activation.session), totpSecret: secret, recoveryCodes: activation.recoveryCodes };
}

/** The accounts subgraph's internals, for what only the bootstrap command may do (creating the first admin). */
export function accountsInternals(test: TestPlatform): AccountsSubgraph {
  const accounts = test.platform.subgraphs.get('accounts');
  if (accounts === undefined) throw new Error('accounts subgraph not running');
  return accounts.assembled as unknown as AccountsSubgraph;
}

/**
 * An admin as the bootstrap command creates one, enrolled in MFA and signed
 * in with a code, so the token carries admin powers (amr pwd+otp, auth_time now).
 */
export async function createAdmin(test: TestPlatform, roles: Role[] = ['ADMIN']): Promise<MfaUser> {
  const contact = uniqueContact();
  await accountsInternals(test).accounts.createAccount({ ...contact, name: 'Ana Admin', password: STRONG_PASSWORD }, roles, {
    source: 'accounts',
    correlationId: 'test-admin-bootstrap',
  });
  const { recoveryCodes: _recoveryCodes, ...admin } = await enrolMfa(test, await signIn(test, contact.email, STRONG_PASSWORD));
  return admin;
}
