import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topic } from '#kit';
import { probeEvents, type EventProbe } from '../support/event-probe.js';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { registerUser } from '../support/users.js';
import { verifiedUser } from '../support/onboarding.js';

// This file stops and restarts a broker, so it runs one of its own rather than the suite's.
let broker: KafkaBroker;
let test: TestPlatform;
let probe: EventProbe;

beforeAll(async () => {
  broker = await startKafkaBroker();
  test = await startTestPlatform({ KAFKA_BROKERS: broker.bootstrap });
  probe = await probeEvents(test.platform.eventBus, [Topic.PRODUCT, Topic.USER]);
}, 120_000);
afterAll(async () => {
  await probe?.stop();
  await test?.stop();
  await broker?.dispose();
}, 60_000);

describe('the outbox during a broker outage', () => {
  it('keeps events while Kafka is down and delivers each exactly once, in order, when it returns', async () => {
    const supplier = await verifiedUser(test, 'SUPPLIER');
    const created = await test.query(
      `mutation { createProduct(input: { name: "Botijão P13 apagão", cylinderType: P13, priceAmount: 11000, stockQuantity: 0 }) { id } }`,
      { token: supplier.accessToken },
    );
    const productId = created.data!['createProduct'].id as string;
    await probe.waitFor((event) => event.envelope?.type === 'product.created' && event.envelope.subject === productId, 1, 30_000);

    await broker.stop();
    // Writes still succeed: their events wait in the outbox, committed with them.
    for (let quantity = 1; quantity <= 10; quantity += 1) {
      const updated = await test.query(`mutation ($id: ID!, $q: Int!) { updateProduct(id: $id, input: { stockQuantity: $q }) { stockQuantity } }`, {
        token: supplier.accessToken,
        variables: { id: productId, q: quantity },
      });
      expect(updated.data).toEqual({ updateProduct: { stockQuantity: quantity } });
    }
    const relay = test.platform.subgraphs.get('products')!.relay!;
    expect(await relay.pending()).toBeGreaterThanOrEqual(20);
    expect(probe.ofType('inventory.updated').filter((event) => event.envelope!.subject === productId)).toHaveLength(0);

    await broker.start();
    await relay.drained(60_000);
    await probe.waitFor((event) => event.envelope?.type === 'inventory.updated' && event.envelope.subject === productId, 10, 60_000);
    // Exactly once in effect: a retried publish may repeat a message, never with a new id, so
    // consumers (which deduplicate by id) see each change once, in the order it was written.
    const firstSeen = new Map<string, number>();
    for (const event of probe.ofType('inventory.updated')) {
      if (event.envelope!.subject === productId && !firstSeen.has(event.envelope!.id)) firstSeen.set(event.envelope!.id, event.envelope!.data.stockQuantity);
    }
    expect([...firstSeen.values()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 120_000);
});
