import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstCode, postGraphQL, type GraphQLExchange } from '../support/graphql-client.js';
import { startTestPlatform, TEST_GATEWAY_SECRET, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, uniqueContact, STRONG_PASSWORD, type SignedInUser } from '../support/users.js';

/**
 * What a hostile client sends: forged cursors and control characters. Every one is the
 * client's mistake, answered BAD_USER_INPUT naming what is wrong, never an internal error.
 */

let test: TestPlatform;
let customer: SignedInUser;
let admin: SignedInUser;

beforeAll(async () => {
  test = await startTestPlatform();
  [customer, admin] = await Promise.all([registerUser(test, 'CUSTOMER'), createAdmin(test)]);
}, 120_000);

afterAll(async () => {
  await test?.stop();
});

const cursorAt = (time: string) => Buffer.from(`${time}|${randomUUID()}`).toString('base64url');

/** What a test asserts of a refusal: its code and the fields it names; a 500 shows as INTERNAL_SERVER_ERROR. */
const refusal = (exchange: GraphQLExchange) => ({
  code: firstCode(exchange),
  fields: (exchange.errors?.[0]?.extensions?.['fields'] as Array<{ field: string }> | undefined)?.map((problem) => problem.field),
});

const unexpectedErrorsLogged = () => test.logLines.filter((line) => line['msg'] === 'unexpected error').length;

describe('a forged pagination cursor', () => {
  // Each list a cursor pages, with who may read it.
  const lists: Array<[string, string, () => SignedInUser | undefined]> = [
    ['orders', 'query ($after: String) { orders(after: $after) { totalCount } }', () => customer],
    ['notifications', 'query ($after: String) { notifications(after: $after) { totalCount } }', () => customer],
    ['invitations', 'query ($after: String) { invitations(after: $after) { totalCount } }', () => customer],
    ['products, anonymously', 'query ($after: String) { products(after: $after) { totalCount } }', () => undefined],
    ['users', 'query ($after: String) { users(after: $after) { totalCount } }', () => admin],
    ['alerts', 'query ($after: String) { alerts(after: $after) { totalCount } }', () => admin],
    ['reports', 'query ($after: String) { reports(after: $after) { totalCount } }', () => admin],
    ['ledger transactions', 'query ($after: String) { ledgerTransactions(after: $after) { totalCount } }', () => admin],
    ['the document review queue', 'query ($after: String) { documentReviewQueue(after: $after) { totalCount } }', () => admin],
  ];

  it.each(lists)('is BAD_USER_INPUT on %s when its date is out of range, not an internal error', async (_list, query, caller) => {
    const before = unexpectedErrorsLogged();
    const user = caller();
    for (const time of ['-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '2026-02-30T12:00:00.000Z']) {
      const page = await test.query(query, { ...(user ? { token: user.accessToken } : {}), variables: { after: cursorAt(time) } });
      expect({ time, ...refusal(page) }).toEqual({ time, code: 'BAD_USER_INPUT', fields: ['after'] });
    }
    expect(unexpectedErrorsLogged()).toBe(before);
  });
});

describe('a control character in a string', () => {
  const NUL = '\u0000';

  it('is refused in a search, as a variable or written in the document, naming the field', async () => {
    const asVariable = await test.query('query ($filter: ProductFilter) { products(filter: $filter) { totalCount } }', {
      variables: { filter: { search: `botij${NUL}o` } },
    });
    const inline = await test.query('{ products(filter: { search: "botij\\u0000o" }) { totalCount } }');
    expect([refusal(asVariable), refusal(inline)]).toEqual([
      { code: 'BAD_USER_INPUT', fields: ['filter.search'] },
      { code: 'BAD_USER_INPUT', fields: ['filter.search'] },
    ]);
    expect(asVariable.errors?.[0]?.message).toContain('U+0000');
  });

  it('is refused in a name, a street and a rule name, and nothing is stored', async () => {
    const before = unexpectedErrorsLogged();
    const contact = uniqueContact();
    const registration = await test.query('mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }', {
      variables: { input: { ...contact, name: `Maria${NUL} Silva`, password: STRONG_PASSWORD, role: 'CUSTOMER' } },
    });
    const order = await test.query('mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', {
      token: customer.accessToken,
      variables: {
        input: {
          storeId: randomUUID(),
          items: [{ productId: randomUUID(), quantity: 1 }],
          deliveryAddress: {
            street: `Rua Augusta${NUL}`,
            number: '100',
            district: 'Consolação',
            city: 'São Paulo',
            state: 'SP',
            postalCode: '01305-000',
            latitude: -23.55,
            longitude: -46.65,
          },
          paymentMethod: 'CASH_ON_DELIVERY',
        },
      },
    });
    const rule = await test.query('mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { id } }', {
      token: admin.accessToken,
      variables: { input: { name: `Estoque\u001B[31m baixo`, kind: 'DEAD_LETTERS', threshold: 1, windowMinutes: 5 } },
    });
    expect([refusal(registration), refusal(order), refusal(rule)]).toEqual([
      { code: 'BAD_USER_INPUT', fields: ['input.name'] },
      { code: 'BAD_USER_INPUT', fields: ['input.deliveryAddress.street'] },
      { code: 'BAD_USER_INPUT', fields: ['input.name'] },
    ]);
    const signIn = await test.query('mutation ($input: LoginInput!) { login(input: $input) { __typename } }', {
      variables: { input: { email: contact.email, password: STRONG_PASSWORD } },
    });
    expect(firstCode(signIn)).toBe('UNAUTHENTICATED');
    expect(unexpectedErrorsLogged()).toBe(before);
  });

  it('lets free text keep its tabs and line breaks', async () => {
    const result = await test.query('query ($filter: ProductFilter) { products(filter: $filter) { totalCount } }', {
      variables: { filter: { search: 'botijão\tP13\r\n' } },
    });
    expect(result.errors).toBeUndefined();
  });

  it('is refused by a subgraph called directly, which does not rely on the gateway having checked', async () => {
    const direct = await postGraphQL(
      `${test.subgraphUrl('products')}`,
      'query ($filter: ProductFilter) { products(filter: $filter) { totalCount } }',
      {
        headers: { 'x-gateway-credential': TEST_GATEWAY_SECRET },
        variables: { filter: { search: `a${NUL}` } },
      },
    );
    expect(refusal(direct)).toEqual({ code: 'BAD_USER_INPUT', fields: ['filter.search'] });
  });

  it('is refused in the query parameters of the upload route, naming the parameter', async () => {
    const response = await fetch(`${test.gatewayUrl.replace(/\/graphql$/, '')}/uploads?token=abc%00def`, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body: new Uint8Array(Buffer.from('%PDF-1.7\n')),
    });
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string; fields: Array<{ field: string }> } }> };
    expect([response.status, body.errors[0]?.extensions.code, body.errors[0]?.extensions.fields.map((problem) => problem.field)]).toEqual([
      400,
      'BAD_USER_INPUT',
      ['token'],
    ]);
  });
});
