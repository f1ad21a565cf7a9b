import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  createEnvelope,
  parseEnvelope,
  type BusSubscription,
  type EventBus,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
} from '#kit';

export interface ReceivedEvent {
  envelope: EventEnvelope<any> | undefined;
  raw: string | null;
  key: string | null;
  headers: Readonly<Record<string, string>>;
}

/** Everything published to some topics from now on (or from the start), as a test observer sees it. */
export interface EventProbe {
  readonly received: ReceivedEvent[];
  /** Resolves with the first `count` events matching, or rejects after the deadline with what was seen. */
  waitFor(match: (event: ReceivedEvent) => boolean, count?: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  ofType(type: string): ReceivedEvent[];
  stop(): Promise<void>;
}

export async function probeEvents(bus: EventBus, topics: string[], fromBeginning = true): Promise<EventProbe> {
  const received: ReceivedEvent[] = [];
  const subscription: BusSubscription = await bus.subscribe({
    groupId: `test-probe-${randomBytes(6).toString('hex')}`,
    topics,
    fromBeginning,
    handle: async (message) => {
      const parsed = parseEnvelope(message.value);
      received.push({ envelope: parsed.ok ? parsed.envelope : undefined, raw: message.value, key: message.key, headers: message.headers });
    },
  });
  return {
    received,
    ofType: (type) => received.filter((event) => event.envelope?.type === type),
    async waitFor(match, count = 1, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = received.filter(match);
        if (matching.length >= count) return matching.slice(0, count);
        if (Date.now() > deadline) {
          throw new Error(
            `expected ${count} matching events, saw ${matching.length} of ${received.length}: ${JSON.stringify(received.map((event) => event.envelope?.type ?? event.raw?.slice(0, 80)))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    stop: () => subscription.stop(),
  };
}

/** Polls until `check` returns a value that is not undefined, or fails after the deadline. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Publishes one catalogued event on the bus as its producer would (validated
 * against the catalogue first), for tests that stand in for another service.
 */
export async function publishEvent<Schema extends z.ZodType>(
  bus: EventBus,
  definition: EventDefinition<Schema>,
  subject: string,
  data: EventData<EventDefinition<Schema>>,
  source = 'test',
): Promise<EventEnvelope> {
  const envelope = createEnvelope({
    type: definition.type,
    source,
    subject,
    schemaVersion: definition.version,
    correlationId: `test-${randomUUID()}`,
    data: definition.data.parse(data),
  });
  await bus.publish([{ topic: definition.topic, key: subject, value: JSON.stringify(envelope) }]);
  return envelope;
}
