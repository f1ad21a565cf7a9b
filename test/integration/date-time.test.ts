import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAs, liveFeed } from '../support/live-updates.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, type MfaUser, type SignedInUser } from '../support/users.js';
import { supplierWithStore } from '../support/stores.js';

let test: TestPlatform;
let customer: SignedInUser;
let admin: MfaUser;
beforeAll(async () => {
  test = await startTestPlatform();
  customer = await registerUser(test, 'CUSTOMER');
  admin = await createAdmin(test);
});
afterAll(async () => {
  await test?.stop();
});

/** What the DateTime scalar always answers: UTC, to the millisecond. */
const utcWithMilliseconds = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const reconciliation = `query ($from: DateTime!, $to: DateTime!) { reconciliation(from: $from, to: $to) { from to } }`;

describe('timestamps through the gateway', () => {
  it('come back as DateTime, in UTC with milliseconds, at the moment they record', async () => {
    const before = Date.now();
    const fresh = await registerUser(test, 'CUSTOMER');
    const answer = await test.query<{ me: { createdAt: string } }>('{ me { createdAt } }', { token: fresh.accessToken });
    expect(answer.errors).toBeUndefined();
    const createdAt = answer.data!.me.createdAt;
    expect(createdAt).toMatch(utcWithMilliseconds);
    expect(Date.parse(createdAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(createdAt)).toBeLessThanOrEqual(Date.now());
  });

  it('are typed DateTime in the schema the gateway serves', async () => {
    const answer = await test.query<{ __type: { kind: string; specifiedByURL: string } }>(
      '{ __type(name: "DateTime") { kind specifiedByURL } }',
    );
    expect(answer.data?.__type).toEqual({ kind: 'SCALAR', specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339#section-5.6' });
  });

  it('are accepted with any offset and answered in UTC', async () => {
    const answer = await test.query<{ reconciliation: { from: string; to: string } }>(reconciliation, {
      token: admin.accessToken,
      variables: { from: '2026-01-01T00:00:00-03:00', to: '2026-01-02T00:00:00.000+00:00' },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.reconciliation).toEqual({ from: '2026-01-01T03:00:00.000Z', to: '2026-01-02T00:00:00.000Z' });
  });

  it('refuse a value that is not an RFC 3339 date-time as BAD_USER_INPUT naming the variable and the problem', async () => {
    const answer = await test.query(reconciliation, {
      token: admin.accessToken,
      variables: { from: '2026-01-01', to: '2026-02-30T00:00:00Z' },
    });
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(answer.errors?.[0]?.message).toMatch(/\$from.*"2026-01-01" must be an RFC 3339 date-time with a time zone/);
    expect(answer.errors?.[1]?.message).toMatch(/\$to.*has no such day: 2026-02 has 28 days/);
  });

  it('refuse a literal that is not an RFC 3339 date-time: the document is invalid, and the problem is named', async () => {
    const answer = await test.query('{ reconciliation(from: "yesterday", to: "2026-01-02T00:00:00Z") { from } }', {
      token: admin.accessToken,
    });
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors?.[0]?.message).toMatch(/"yesterday" must be an RFC 3339 date-time/);
    expect(answer.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('do not let anyone but an admin learn about a valid range either', async () => {
    const answer = await test.query(reconciliation, {
      token: customer.accessToken,
      variables: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
    });
    expect(answer.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});

describe('timestamps in subscription payloads', () => {
  it('arrive over graphql-ws as the same DateTime text as over HTTP', async () => {
    const supplier = await supplierWithStore(test);
    const created = await test.query<{ createProduct: { id: string } }>(
      'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
      {
        token: supplier.accessToken,
        variables: { input: { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 10 } },
      },
    );
    const productId = created.data!.createProduct.id;
    const client = connectAs(test, customer.accessToken);
    try {
      const feed = liveFeed<{ productUpdated: { price: { amount: number }; updatedAt: string } }>(
        client,
        'subscription ($id: ID!) { productUpdated(productId: $id) { price { amount } updatedAt } }',
        { id: productId },
      );
      await eventuallyOpen(1);
      await test.query('mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', {
        token: supplier.accessToken,
        variables: { id: productId, input: { priceAmount: 12_500 } },
      });
      const pushed = await feed.waitFor((data) => data.productUpdated.price.amount === 12_500);
      expect(pushed.productUpdated.updatedAt).toMatch(utcWithMilliseconds);
      const read = await test.query<{ product: { updatedAt: string } }>('query ($id: ID!) { product(id: $id) { updatedAt } }', {
        variables: { id: productId },
      });
      expect(pushed.productUpdated.updatedAt).toBe(read.data!.product.updatedAt);
    } finally {
      await client.dispose();
    }
  });
});

/** Waits until the gateway counts this many open subscriptions, so that the next event is not missed. */
async function eventuallyOpen(count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (test.platform.gateway.subscriptions.openSubscriptions() !== count) {
    if (Date.now() > deadline) throw new Error(`${count} open subscriptions expected`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
