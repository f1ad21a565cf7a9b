import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnvelope, createLogger, MemoryEventBus, parseEnvelope, startEventConsumer, Topic, type EventConsumer, type TransactionRunner } from '#kit';

/**
 * The consumer's transaction contract in memory: markProcessed and the
 * handler's writes land together or not at all, like a database transaction.
 */
function memoryTransactions(): TransactionRunner<{ processed: Set<string>; writes: string[] }> & { processed: Set<string>; writes: string[] } {
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

const silent = createLogger({ service: 'test', level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
const userDeleted = (userId = randomUUID()) =>
  createEnvelope({ type: 'user.deleted', source: 'accounts', subject: userId, schemaVersion: 1, correlationId: 'c', data: { userId, roles: ['SUPPLIER'] } });

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
      topics: [Topic.USER],
      transactions,
      logger: silent,
      handlers: { 'user.deleted': async (data, { transaction }) => void transaction.writes.push((data as { userId: string }).userId) },
    });
    const event = userDeleted();
    const message = { topic: Topic.USER, key: event.subject, value: JSON.stringify(event) };
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
      topics: [Topic.USER],
      transactions,
      logger: silent,
      retryBaseMs: 1,
      retryMaxMs: 5,
      handlers: {
        'user.deleted': async (_data, { transaction }) => {
          calls += 1;
          transaction.writes.push(`attempt ${calls}`);
          if (calls < 3) throw new Error('database briefly unavailable');
        },
      },
    });
    await bus.publish([{ topic: Topic.USER, key: 'k', value: JSON.stringify(userDeleted()) }]);
    await until(() => consumer!.stats().handled === 1);
    expect(transactions.writes).toEqual(['attempt 3']);
    expect(consumer.stats().retries).toBe(2);
  });

  it('dead-letters an event whose handler keeps failing, with the reason and attempts, and moves on', async () => {
    bus = new MemoryEventBus();
    const letters: Array<Readonly<Record<string, string>>> = [];
    await bus.subscribe({ groupId: 'letters', topics: [Topic.DEAD_LETTER], handle: async (message) => void letters.push(message.headers) });
    const poison = userDeleted();
    const healthy = userDeleted();
    consumer = await startEventConsumer({
      name: 'test.poison',
      bus,
      topics: [Topic.USER],
      transactions: memoryTransactions(),
      logger: silent,
      maxAttempts: 3,
      retryBaseMs: 1,
      retryMaxMs: 2,
      handlers: {
        'user.deleted': async (data) => {
          if ((data as { userId: string }).userId === poison.subject) throw new Error('constraint violated');
        },
      },
    });
    await bus.publish([
      { topic: Topic.USER, key: 'same-key', value: JSON.stringify(poison) },
      { topic: Topic.USER, key: 'same-key', value: JSON.stringify(healthy) },
    ]);
    await until(() => consumer!.stats().handled === 1 && letters.length === 1);
    expect(letters[0]).toMatchObject({ 'x-attempts': '3', 'x-dead-letter-consumer': 'test.poison', 'x-original-topic': Topic.USER });
    expect(letters[0]!['x-dead-letter-reason']).toBe('handler failed 3 times: constraint violated');
  });

  it('dead-letters an unknown schema version and ignores event types it has no handler for', async () => {
    bus = new MemoryEventBus();
    const letters: string[] = [];
    await bus.subscribe({ groupId: 'letters', topics: [Topic.DEAD_LETTER], handle: async (message) => void letters.push(message.headers['x-dead-letter-reason'] ?? '') });
    const handled: string[] = [];
    consumer = await startEventConsumer({
      name: 'test.versions',
      bus,
      topics: [Topic.USER],
      transactions: memoryTransactions(),
      logger: silent,
      handlers: { 'user.deleted': async (data) => void handled.push((data as { userId: string }).userId) },
    });
    const future = { ...userDeleted(), schemaVersion: 2 };
    const created = createEnvelope({ type: 'user.created', source: 'accounts', subject: 'u', schemaVersion: 1, correlationId: 'c', data: {} });
    await bus.publish([
      { topic: Topic.USER, key: 'a', value: JSON.stringify(future) },
      { topic: Topic.USER, key: 'b', value: JSON.stringify(created) },
    ]);
    await until(() => letters.length === 1 && consumer!.stats().ignored === 1);
    expect(letters).toEqual(['unsupported schema version 2 of user.deleted']);
    expect(handled).toEqual([]);
  });
});

describe('the envelope', () => {
  it('is refused when a required field is missing, naming the field', () => {
    const { correlationId: _dropped, ...rest } = userDeleted();
    const result = parseEnvelope(JSON.stringify(rest));
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('correlationId') });
  });
});
