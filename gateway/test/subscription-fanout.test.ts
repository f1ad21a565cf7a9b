import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnvelope, MemoryEventBus, type EventEnvelope } from '#kit';
import { startEventFanout, type EventFanout } from '../src/subscriptions/event-fanout.js';
import { capturedLogger } from '../../test/support/captured-logger.js';

/** The fanout is topic-agnostic: any topic a subgraph declares. */
const TOPIC = 'product.events';

function productUpdated(productId: string = randomUUID(), supplierId: string = randomUUID()): EventEnvelope<Record<string, unknown>> {
  return createEnvelope({
    type: 'product.updated',
    source: 'products',
    subject: productId,
    schemaVersion: 1,
    correlationId: `test-${randomUUID()}`,
    data: {
      productId,
      supplierId,
      name: 'Botijão P13',
      cylinderType: 'P13',
      priceAmount: 11_000,
      currency: 'BRL',
      stockQuantity: 3,
      lowStockThreshold: null,
      active: true,
      changed: ['priceAmount'],
    },
  });
}

const message = (envelope: EventEnvelope) => ({ topic: TOPIC, key: envelope.subject, value: JSON.stringify(envelope) });

async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

describe('the event fanout', () => {
  const bus = new MemoryEventBus();
  const fanouts: EventFanout[] = [];
  const start = async (logger = capturedLogger().logger) => {
    const fanout = await startEventFanout({ bus, topics: [TOPIC], logger });
    fanouts.push(fanout);
    return fanout;
  };
  afterEach(async () => {
    await Promise.all(fanouts.splice(0).map((fanout) => fanout.stop()));
  });

  it('gives every gateway instance every event, through a consumer group of its own', async () => {
    const [first, second] = [await start(), await start()];
    expect(first.groupId).not.toBe(second.groupId);
    expect(first.groupId).toMatch(/^gateway-/);
    const seen: [string[], string[]] = [[], []];
    first.listen(TOPIC, (envelope) => seen[0].push(envelope.id));
    second.listen(TOPIC, (envelope) => seen[1].push(envelope.id));
    const events = [productUpdated(), productUpdated(), productUpdated()];
    await bus.publish(events.map(message));
    await eventually(() => seen[0].length === 3 && seen[1].length === 3, 'both instances to see all three');
    expect(new Set(seen[0])).toEqual(new Set(events.map((event) => event.id)));
    expect(new Set(seen[1])).toEqual(new Set(events.map((event) => event.id)));
  });

  it('starts at new events: nothing published before it started is replayed', async () => {
    await bus.publish([message(productUpdated())]);
    const fanout = await start();
    const seen: string[] = [];
    fanout.listen(TOPIC, (envelope) => seen.push(envelope.id));
    const fresh = productUpdated();
    await bus.publish([message(fresh)]);
    await eventually(() => seen.length === 1, 'the new event');
    await delay(50);
    expect(seen).toEqual([fresh.id]);
  });

  it('passes a redelivered envelope on once', async () => {
    const fanout = await start();
    const seen: string[] = [];
    fanout.listen(TOPIC, (envelope) => seen.push(envelope.id));
    const event = productUpdated();
    const marker = productUpdated(String(event.data['productId']));
    await bus.publish([message(event), message(event), message(marker)]);
    await eventually(() => seen.includes(marker.id), 'the marker event');
    expect(seen).toEqual([event.id, marker.id]);
  });

  it('skips malformed envelopes with a log line and goes on; data is not checked here (its producer did, the registry reads only declared paths)', async () => {
    const { logger, lines } = capturedLogger();
    const fanout = await start(logger);
    const seen: string[] = [];
    fanout.listen(TOPIC, (envelope) => seen.push(envelope.id));
    const good = productUpdated();
    const otherShape = { ...productUpdated(), data: { productId: 'not-a-uuid' } };
    await bus.publish([
      { topic: TOPIC, key: 'k', value: 'not json' },
      { topic: TOPIC, key: 'k', value: JSON.stringify({ id: 'x' }) },
      message(otherShape),
      message(good),
    ]);
    await eventually(() => seen.length === 2, 'the well-formed events');
    expect(seen).toEqual([otherShape.id, good.id]);
    expect(lines.filter((line) => line['message'] === 'malformed event skipped')).toHaveLength(2);
  });

  it('stops passing events to a listener once it unlistens, and to everyone once stopped', async () => {
    const fanout = await start();
    const kept: string[] = [];
    const dropped: string[] = [];
    fanout.listen(TOPIC, (envelope) => kept.push(envelope.id));
    const unlisten = fanout.listen(TOPIC, (envelope) => dropped.push(envelope.id));
    unlisten();
    await bus.publish([message(productUpdated())]);
    await eventually(() => kept.length === 1, 'the kept listener');
    expect(dropped).toEqual([]);
    await fanout.stop();
    await bus.publish([message(productUpdated())]);
    await delay(50);
    expect(kept).toHaveLength(1);
  });

  it('keeps dispatching when one listener throws', async () => {
    const { logger, lines } = capturedLogger();
    const fanout = await start(logger);
    const seen: string[] = [];
    fanout.listen(TOPIC, () => {
      throw new Error('listener bug');
    });
    fanout.listen(TOPIC, (envelope) => seen.push(envelope.id));
    await bus.publish([message(productUpdated())]);
    await eventually(() => seen.length === 1, 'the healthy listener');
    expect(lines.some((line) => line['message'] === 'subscription listener failed')).toBe(true);
  });
});
