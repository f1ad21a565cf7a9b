import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  createEnvelope,
  createLogger,
  MemoryEventBus,
  parseEnvelope,
  eventConsumer,
  on,
  startEventConsumer,
  type EventConsumer,
  type HandlerContext,
  type TransactionRunner,
  DEAD_LETTER_TOPIC,
} from '#kit';
import { topicsOfHandlers } from '../src/events/event-consumer.js';
import { ORDER_TOPIC, OrderEvents, USER_TOPIC, UserEvents, userDeletedEnvelope } from './example-contracts.js';

/**
 * The consumer's transaction contract in memory: markProcessed and the
 * handler's writes land together or not at all, like a database transaction.
 */
type MemoryTransaction = { processed: Set<string>; writes: string[] };

function memoryTransactions(): TransactionRunner<MemoryTransaction> & { processed: Set<string>; writes: string[] } {
  const processed = new Set<string>();
  const writes: string[] = [];
  return {
    processed,
    writes,
    async run(work) {
      const transaction = { processed: new Set<string>(), writes: [] as string[] };
      const result = await work(transaction);
      for (const id of transaction.processed) processed.add(id);
      writes.push(...transaction.writes);
      return result;
    },
    async markProcessed(transaction, consumer, eventId) {
      const key = `${consumer}/${eventId}`;
      if (processed.has(key) || transaction.processed.has(key)) return false;
      transaction.processed.add(key);
      return true;
    },
  };
}

const silent = createLogger({
  service: 'test',
  level: 'silent',
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});
const userDeleted = userDeletedEnvelope;

let bus: MemoryEventBus;
let consumer: EventConsumer | undefined;
afterEach(async () => {
  await consumer?.stop();
  await bus?.close();
});

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the idempotent event consumer', () => {
  it('handles each event once even when it is delivered twice', async () => {
    bus = new MemoryEventBus();
    const transactions = memoryTransactions();
    consumer = await startEventConsumer({
      name: 'test.consumer',
      bus,
      transactions,
      logger: silent,
      handlers: [
        on(
          UserEvents.deleted,
          async (data, { transaction }: HandlerContext<MemoryTransaction>) => void transaction.writes.push(data.userId),
        ),
      ],
    });
    const event = userDeleted();
    const message = { topic: USER_TOPIC, key: event.subject, value: JSON.stringify(event) };
    await bus.publish([message, message]);
    await until(() => consumer!.stats().duplicates === 1);
    expect(transactions.writes).toEqual([event.subject]);
    expect(consumer.stats()).toMatchObject({ handled: 1, duplicates: 1, deadLettered: 0 });
  });

  it('retries a failing handler and, once it succeeds, records exactly one effect', async () => {
    bus = new MemoryEventBus();
    const transactions = memoryTransactions();
    let calls = 0;
    consumer = await startEventConsumer({
      name: 'test.flaky',
      bus,
      transactions,
      logger: silent,
      retryBaseMs: 1,
      retryMaxMs: 5,
      handlers: [
        on(UserEvents.deleted, async (_data, { transaction }: HandlerContext<MemoryTransaction>) => {
          calls += 1;
          transaction.writes.push(`attempt ${calls}`);
          if (calls < 3) throw new Error('database briefly unavailable');
        }),
      ],
    });
    await bus.publish([{ topic: USER_TOPIC, key: 'k', value: JSON.stringify(userDeleted()) }]);
    await until(() => consumer!.stats().handled === 1);
    expect(transactions.writes).toEqual(['attempt 3']);
    expect(consumer.stats().retries).toBe(2);
  });

  it('dead-letters an event whose handler keeps failing, with the reason and attempts, and moves on', async () => {
    bus = new MemoryEventBus();
    const letters: Array<Readonly<Record<string, string>>> = [];
    await bus.subscribe({ groupId: 'letters', topics: [DEAD_LETTER_TOPIC], handle: async (message) => void letters.push(message.headers) });
    const poison = userDeleted();
    const healthy = userDeleted();
    consumer = await startEventConsumer({
      name: 'test.poison',
      bus,
      transactions: memoryTransactions(),
      logger: silent,
      maxAttempts: 3,
      retryBaseMs: 1,
      retryMaxMs: 2,
      handlers: [
        on(UserEvents.deleted, async (data) => {
          if (data.userId === poison.subject) throw new Error('constraint violated');
        }),
      ],
    });
    await bus.publish([
      { topic: USER_TOPIC, key: 'same-key', value: JSON.stringify(poison) },
      { topic: USER_TOPIC, key: 'same-key', value: JSON.stringify(healthy) },
    ]);
    await until(() => consumer!.stats().handled === 1 && letters.length === 1);
    expect(letters[0]).toMatchObject({ 'x-attempts': '3', 'x-dead-letter-consumer': 'test.poison', 'x-original-topic': USER_TOPIC });
    expect(letters[0]!['x-dead-letter-reason']).toBe('handler failed 3 times: constraint violated');
  });

  it('dead-letters an unknown schema version and ignores event types it has no handler for', async () => {
    bus = new MemoryEventBus();
    const letters: string[] = [];
    await bus.subscribe({
      groupId: 'letters',
      topics: [DEAD_LETTER_TOPIC],
      handle: async (message) => void letters.push(message.headers['x-dead-letter-reason'] ?? ''),
    });
    const handled: string[] = [];
    consumer = await startEventConsumer({
      name: 'test.versions',
      bus,
      transactions: memoryTransactions(),
      logger: silent,
      handlers: [on(UserEvents.deleted, async (data) => void handled.push(data.userId))],
    });
    const future = { ...userDeleted(), schemaVersion: 2 };
    const created = createEnvelope({
      type: 'user.created',
      source: 'accounts',
      subject: 'u',
      schemaVersion: 1,
      correlationId: 'c',
      data: {},
    });
    await bus.publish([
      { topic: USER_TOPIC, key: 'a', value: JSON.stringify(future) },
      { topic: USER_TOPIC, key: 'b', value: JSON.stringify(created) },
    ]);
    await until(() => letters.length === 1 && consumer!.stats().ignored === 1);
    expect(letters).toEqual(['unsupported schema version 2 of user.deleted']);
    expect(handled).toEqual([]);
  });

  it("dead-letters a subgraph-owned event whose data breaks its producer's contract, without calling the handler", async () => {
    bus = new MemoryEventBus();
    const letters: Array<Readonly<Record<string, string>>> = [];
    await bus.subscribe({ groupId: 'letters', topics: [DEAD_LETTER_TOPIC], handle: async (message) => void letters.push(message.headers) });
    const handled: string[] = [];
    consumer = await startEventConsumer({
      name: 'test.contracts',
      bus,
      transactions: memoryTransactions(),
      logger: silent,
      handlers: [on(OrderEvents.cancelled, async (data) => void handled.push(data.orderId))],
    });
    const orderId = randomUUID();
    // order.cancelled without its reason code, items or time: the contract refuses it.
    const malformed = createEnvelope({
      type: OrderEvents.cancelled.type,
      source: 'orders',
      subject: orderId,
      schemaVersion: 1,
      correlationId: 'c',
      data: { orderId },
    });
    await bus.publish([{ topic: ORDER_TOPIC, key: orderId, value: JSON.stringify(malformed) }]);
    await until(() => letters.length === 1);
    expect(letters[0]).toMatchObject({ 'x-attempts': '0', 'x-dead-letter-consumer': 'test.contracts', 'x-original-topic': ORDER_TOPIC });
    expect(letters[0]!['x-dead-letter-reason']).toMatch(/^data invalid for order\.cancelled: /);
    expect(handled).toEqual([]);
    expect(consumer.stats()).toMatchObject({ handled: 0, deadLettered: 1 });
  });

  it('reads the topics of the events its handlers take, each once', async () => {
    bus = new MemoryEventBus();
    const handlers = [
      on(OrderEvents.created, async () => undefined),
      on(OrderEvents.cancelled, async () => undefined),
      on(UserEvents.deleted, async () => undefined),
    ];
    expect(topicsOfHandlers(handlers)).toEqual([ORDER_TOPIC, USER_TOPIC]);
  });

  it("types a handler's data by its contract and its transaction by the consumer's runner", () => {
    const consumerDefinition = eventConsumer({
      name: 'test.types',
      transactions: memoryTransactions(),
      handlers: (handle) => [
        handle(OrderEvents.cancelled, async (data, { transaction }) => {
          expectTypeOf(data.reasonCode).toEqualTypeOf<
            'CUSTOMER_REQUEST' | 'SUPPLIER_REQUEST' | 'ADMIN_REQUEST' | 'STOCK_UNAVAILABLE' | 'PAYMENT_EXPIRED'
          >();
          expectTypeOf(transaction).toEqualTypeOf<MemoryTransaction>();
        }),
      ],
    });
    expect(consumerDefinition.consumes.map((definition) => definition.type)).toEqual(['order.cancelled']);
  });
});

describe('the envelope', () => {
  it('is refused when a required field is missing, naming the field', () => {
    const { correlationId: _dropped, ...rest } = userDeleted();
    const result = parseEnvelope(JSON.stringify(rest));
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('correlationId') });
  });
});
