import { randomBytes } from 'node:crypto';
import type { Role } from '#kit';
import type { AccountsSubgraph } from '../../subgraphs/accounts/src/subgraph.js';
import type { TestPlatform } from './platform.js';

export const STRONG_PASSWORD = 'Corr3ct-Horse-Battery';

export interface SignedInUser {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

let sequence = 0;

/** A unique, valid email and Brazilian mobile number for each call. */
export function uniqueContact(): { email: string; phone: string } {
  sequence += 1;
  const suffix = `${process.pid}${sequence}`.slice(-8).padStart(8, '0');
  return { email: `user-${randomBytes(4).toString('hex')}@example.com`, phone: `+55119${suffix}` };
}

const sessionFields = 'accessToken refreshToken user { id email }';

export async function registerUser(
  test: TestPlatform,
  role: 'CUSTOMER' | 'SUPPLIER' | 'COURIER' = 'CUSTOMER',
  name = 'Maria Silva',
): Promise<SignedInUser> {
  const contact = uniqueContact();
  const result = await test.query<{ register: { accessToken: string; refreshToken: string; user: { id: string; email: string } } }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { ${sessionFields} } }`,
    { variables: { input: { ...contact, name, password: STRONG_PASSWORD, role } } },
  );
  if (!result.data?.register) throw new Error(`register failed: ${JSON.stringify(result.errors)}`);
  const { accessToken, refreshToken, user } = result.data.register;
  return { id: user.id, email: user.email, accessToken, refreshToken };
}

/** The accounts subgraph's internals, for what only the bootstrap command may do (creating the first admin). */
export function accountsInternals(test: TestPlatform): AccountsSubgraph {
  const accounts = test.platform.subgraphs.get('accounts');
  if (accounts === undefined) throw new Error('accounts subgraph not running');
  return accounts.assembled as unknown as AccountsSubgraph;
}

export async function createAdmin(test: TestPlatform, roles: Role[] = ['ADMIN']): Promise<SignedInUser> {
  const contact = uniqueContact();
  await accountsInternals(test).accounts.createAccount(
    { ...contact, name: 'Ana Admin', password: STRONG_PASSWORD },
    roles,
    { source: 'accounts', correlationId: 'test-admin-bootstrap' },
  );
  const result = await test.query<{ login: { accessToken: string; refreshToken: string; user: { id: string; email: string } } }>(
    `mutation ($input: LoginInput!) { login(input: $input) { ${sessionFields} } }`,
    { variables: { input: { email: contact.email, password: STRONG_PASSWORD } } },
  );
  if (!result.data?.login) throw new Error(`admin login failed: ${JSON.stringify(result.errors)}`);
  const { accessToken, refreshToken, user } = result.data.login;
  return { id: user.id, email: user.email, accessToken, refreshToken };
}
