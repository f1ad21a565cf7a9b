import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventConsumer, DEAD_LETTER_TOPIC } from '#kit';
import { firstCode } from '../support/graphql-client.js';
import { eventually, probeEvents, type EventProbe } from '../support/event-probe.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, STRONG_PASSWORD, uniqueContact } from '../support/users.js';
import { USER_TOPIC, UserEvents } from '../../subgraphs/accounts/src/events/index.js';
import { PRODUCT_TOPIC } from '../../subgraphs/products/src/events/index.js';
import { supplierWithStore } from '../support/stores.js';

let test: TestPlatform;
let probe: EventProbe;
let deadLetters: EventProbe;

beforeAll(async () => {
  test = await startTestPlatform();
  probe = await probeEvents(test.platform.eventBus, [USER_TOPIC, PRODUCT_TOPIC]);
  deadLetters = await probeEvents(test.platform.eventBus, [DEAD_LETTER_TOPIC]);
});
afterAll(async () => {
  await probe?.stop();
  await deadLetters?.stop();
  await test?.stop();
});

const outboxRows = async (subgraph: string) => {
  const { rows } = await test.platform.subgraphs
    .get(subgraph)!
    .database.pool.query<{ count: string }>('select count(*)::text as count from outbox_events');
  return Number(rows[0]!.count);
};

const productsConsumer = (): EventConsumer => {
  const consumer = test.platform.subgraphs.get('products')!.consumers.find((candidate) => candidate.name === 'products.user-deletions');
  if (consumer === undefined) throw new Error('products.user-deletions consumer is not running');
  return consumer;
};

async function createProduct(token: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const result = await test.query(`mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`, {
    token,
    variables: { input: { name, cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 10, ...extra } },
  });
  if (!result.data?.['createProduct']) throw new Error(JSON.stringify(result.errors));
  return result.data['createProduct'].id as string;
}

describe('publishing through the outbox', () => {
  it('publishes user.created for a registration, keyed by the user and carrying the request’s correlation id', async () => {
    const correlationId = `events-test-${randomUUID()}`;
    const contact = uniqueContact();
    const registered = await test.query(`mutation ($input: RegisterInput!) { register(input: $input) { user { id } } }`, {
      headers: { 'x-correlation-id': correlationId },
      variables: { input: { ...contact, name: 'Carla Costa', password: STRONG_PASSWORD, role: 'CUSTOMER' } },
    });
    const userId = registered.data!['register'].user.id as string;
    const [event] = await probe.waitFor(
      (candidate) => candidate.envelope?.type === 'user.created' && candidate.envelope.subject === userId,
    );
    expect(event!.key).toBe(userId);
    expect(event!.envelope).toMatchObject({
      source: 'accounts',
      schemaVersion: 1,
      correlationId,
      data: { userId, roles: ['CUSTOMER'], name: 'Carla Costa' },
    });
    expect(JSON.stringify(event!.envelope!.data)).not.toContain(contact.email);
  });

  it('writes no event when the change it belongs to is refused', async () => {
    const existing = await registerUser(test);
    const before = await outboxRows('accounts');
    const duplicate = await test.query(`mutation ($input: RegisterInput!) { register(input: $input) { user { id } } }`, {
      variables: { input: { ...uniqueContact(), email: existing.email, name: 'Twin', password: STRONG_PASSWORD, role: 'CUSTOMER' } },
    });
    expect(firstCode(duplicate)).toBe('CONFLICT');
    expect(await outboxRows('accounts')).toBe(before);
  });

  it('publishes product.updated with what changed, and inventory.updated saying when stock crossed the low threshold', async () => {
    const supplier = await supplierWithStore(test);
    const productId = await createProduct(supplier.accessToken, 'Botijão P13 Ultragaz', { stockQuantity: 10, lowStockThreshold: 3 });
    await probe.waitFor((event) => event.envelope?.type === 'product.created' && event.envelope.subject === productId);

    const update = (input: Record<string, unknown>) =>
      test.query(`mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }`, {
        token: supplier.accessToken,
        variables: { id: productId, input },
      });
    await update({ priceAmount: 11_500 });
    await update({ stockQuantity: 5 });
    await update({ stockQuantity: 2 });

    const updates = await probe.waitFor((event) => event.envelope?.type === 'product.updated' && event.envelope.subject === productId, 3);
    expect(updates.map((event) => event.envelope!.data.changed)).toEqual([['price'], ['stockQuantity'], ['stockQuantity']]);
    expect(updates[0]!.envelope!.data).toMatchObject({ priceAmount: 11_500, supplierId: supplier.id, active: true });

    const inventory = await probe.waitFor(
      (event) => event.envelope?.type === 'inventory.updated' && event.envelope.subject === productId,
      2,
    );
    expect(inventory.map((event) => event.envelope!.data)).toEqual([
      expect.objectContaining({ previousQuantity: 10, stockQuantity: 5, lowStockThreshold: 3, crossedLowThreshold: false }),
      expect.objectContaining({ previousQuantity: 5, stockQuantity: 2, lowStockThreshold: 3, crossedLowThreshold: true }),
    ]);
  });

  it('keeps one aggregate’s events in the order they were written', async () => {
    const supplier = await supplierWithStore(test);
    const productId = await createProduct(supplier.accessToken, 'Botijão P45 ordem');
    for (let quantity = 1; quantity <= 15; quantity += 1) {
      await test.query(`mutation ($id: ID!, $q: Int!) { updateProduct(id: $id, input: { stockQuantity: $q }) { id } }`, {
        token: supplier.accessToken,
        variables: { id: productId, q: quantity },
      });
    }
    const seen = await probe.waitFor((event) => event.envelope?.type === 'inventory.updated' && event.envelope.subject === productId, 15);
    expect(seen.map((event) => event.envelope!.data.stockQuantity)).toEqual(Array.from({ length: 15 }, (_, index) => index + 1));
  });
});

describe('consuming user.deleted in products', () => {
  it('deactivates a deleted supplier’s products and announces each change', async () => {
    const supplier = await supplierWithStore(test);
    const first = await createProduct(supplier.accessToken, 'Botijão P13 A');
    const second = await createProduct(supplier.accessToken, 'Botijão P13 B');
    const deleted = await test.query(`mutation { deleteAccount }`, { token: supplier.accessToken });
    expect(deleted.data).toEqual({ deleteAccount: true });

    const [deletion] = await probe.waitFor((event) => event.envelope?.type === 'user.deleted' && event.envelope.subject === supplier.id);
    expect(deletion!.envelope!.data).toEqual({ userId: supplier.id, roles: ['SUPPLIER'] });
    const deactivations = await probe.waitFor(
      (event) =>
        event.envelope?.type === 'product.updated' &&
        event.envelope.data.supplierId === supplier.id &&
        event.envelope.data.changed.includes('active'),
      2,
    );
    expect(new Set(deactivations.map((event) => event.envelope!.subject))).toEqual(new Set([first, second]));
    expect(deactivations.every((event) => event.envelope!.correlationId === deletion!.envelope!.correlationId)).toBe(true);

    const catalog = await test.query(`query ($id: ID!) { products(filter: { supplierId: $id }) { totalCount } }`, {
      variables: { id: supplier.id },
    });
    expect(catalog.data!['products'].totalCount).toBe(0);
    const login = await test.query(`mutation ($input: LoginInput!) { login(input: $input) { ... on Session { accessToken } } }`, {
      variables: { input: { email: supplier.email, password: STRONG_PASSWORD } },
    });
    expect(firstCode(login)).toBe('UNAUTHENTICATED');
  });

  it('has no second effect when the same user.deleted arrives twice', async () => {
    const supplier = await supplierWithStore(test);
    const admin = await createAdmin(test);
    await createProduct(supplier.accessToken, 'Botijão P8 duplicado');
    await test.query(`mutation ($id: ID!) { deleteAccount(userId: $id) }`, { token: admin.accessToken, variables: { id: supplier.id } });
    const [deletion] = await probe.waitFor((event) => event.envelope?.type === 'user.deleted' && event.envelope.subject === supplier.id);
    const isDeactivation = (event: { envelope?: { type: string; data: any } | undefined }) =>
      event.envelope?.type === 'product.updated' && event.envelope.data.supplierId === supplier.id;
    await probe.waitFor(isDeactivation, 1);
    const duplicatesBefore = productsConsumer().stats().duplicates;

    await test.platform.eventBus.publish([{ topic: USER_TOPIC, key: supplier.id, value: deletion!.raw! }]);
    await eventually(
      async () => (productsConsumer().stats().duplicates > duplicatesBefore ? true : undefined),
      15_000,
      'duplicate noticed',
    );
    expect(probe.received.filter(isDeactivation)).toHaveLength(1);
  });

  it('sends a malformed event to the dead-letter topic with the reason, and keeps consuming', async () => {
    const key = randomUUID();
    await test.platform.eventBus.publish([{ topic: USER_TOPIC, key, value: '{"type":"user.deleted","data":' }]);
    await test.platform.eventBus.publish([
      {
        topic: USER_TOPIC,
        key,
        value: JSON.stringify({
          id: randomUUID(),
          type: UserEvents.deleted.type,
          source: 'rogue',
          time: new Date().toISOString(),
          subject: key,
          schemaVersion: 1,
          correlationId: 'x',
          traceContext: {},
          data: { userId: 'not-a-uuid' },
        }),
      },
    ]);
    const letters = await deadLetters.waitFor(
      (event) => event.key === key && event.headers['x-dead-letter-consumer'] === 'products.user-deletions',
      2,
    );
    expect(letters[0]!.headers['x-dead-letter-reason']).toBe('value is not JSON');
    expect(letters[0]!.headers['x-original-topic']).toBe(USER_TOPIC);
    expect(letters[1]!.headers['x-dead-letter-reason']).toMatch(/data invalid for user\.deleted: userId/);

    // The partition is not stuck: a later deletion is still handled.
    const supplier = await supplierWithStore(test);
    await createProduct(supplier.accessToken, 'Botijão P2 depois');
    await test.query(`mutation { deleteAccount }`, { token: supplier.accessToken });
    await probe.waitFor((event) => event.envelope?.type === 'product.updated' && event.envelope.data.supplierId === supplier.id);
  });
});

describe('readiness', () => {
  it('reports the outbox backlog and each consumer’s lag and counters', async () => {
    const ready = await fetch(`${test.platform.subgraphs.get('products')!.url}/ready`);
    const body = (await ready.json()) as {
      checks: { events: { ok: boolean; detail: { outboxPending: number; consumers: Record<string, { lag: number; handled: number }> } } };
    };
    expect(ready.status).toBe(200);
    expect(body.checks.events.ok).toBe(true);
    expect(typeof body.checks.events.detail.outboxPending).toBe('number');
    expect(body.checks.events.detail.consumers['products.user-deletions']).toMatchObject({
      lag: expect.any(Number),
      handled: expect.any(Number),
    });
  });
});
