import { randomUUID } from 'node:crypto';
import { parseEnvelope, type BusMessage, type BusSubscription, type EventBus, type EventEnvelope, type Logger } from '#kit';
import { RecentIds } from './recent-ids.js';
import { subscribedEventDefinition } from './stopgap-event-contracts.js';

/** Called synchronously for each new envelope of a topic; must not block (queue the work instead). */
export type EnvelopeListener = (envelope: EventEnvelope) => void;

export interface EventFanout {
  /** The consumer group of this gateway process, unique to it. */
  readonly groupId: string;
  /** Starts passing the topic's envelopes to the listener; call the result to stop. */
  listen(topic: string, listener: EnvelopeListener): () => void;
  /** Stops consuming; listeners receive nothing more. */
  stop(): Promise<void>;
}

export interface EventFanoutOptions {
  bus: EventBus;
  topics: readonly string[];
  logger: Logger;
  /** How many envelope ids are remembered to drop redeliveries. */
  recentIdCapacity?: number;
}

/**
 * The gateway's one consumer of the event bus. Its consumer group is unique
 * to this process, so every gateway instance receives every event and
 * delivers it to its own WebSocket clients (consumers sharing a group would
 * split the events between them, and clients on the other instances would
 * miss theirs). It starts at new events only: a subscription promises what
 * happens from now on, not a replay.
 */
export async function startEventFanout(options: EventFanoutOptions): Promise<EventFanout> {
  const { logger } = options;
  const groupId = `gateway-${randomUUID()}`;
  const listeners = new Map<string, Set<EnvelopeListener>>();
  const recent = new RecentIds(options.recentIdCapacity ?? 10_000);

  function dispatch(message: BusMessage): void {
    const parsed = parseEnvelope(message.value);
    if (!parsed.ok) {
      logger.warn({ topic: message.topic, offset: message.offset, reason: parsed.reason }, 'malformed event skipped');
      return;
    }
    const envelope = parsed.envelope;
    const definition = subscribedEventDefinition(envelope.type);
    // Registry filters read `data` as the catalogue types it; anything else cannot match them.
    if (definition === undefined || definition.version !== envelope.schemaVersion) return;
    const data = definition.data.safeParse(envelope.data);
    if (!data.success) {
      logger.warn({ topic: message.topic, eventId: envelope.id, type: envelope.type }, 'event data does not match the catalogue; skipped');
      return;
    }
    if (!recent.firstSighting(envelope.id)) return;
    const checked: EventEnvelope = { ...envelope, data: data.data };
    for (const listener of listeners.get(message.topic) ?? []) {
      try {
        listener(checked);
      } catch (error) {
        logger.error({ err: error, eventId: envelope.id }, 'subscription listener failed');
      }
    }
  }

  const subscription: BusSubscription = await options.bus.subscribe({
    groupId,
    topics: options.topics,
    fromBeginning: false,
    // Never rejects: a redelivery would not help a message this process cannot use.
    handle: async (message) => dispatch(message),
  });
  logger.info({ groupId, topics: options.topics }, 'subscription events consumed');

  return {
    groupId,
    listen(topic, listener) {
      const forTopic = listeners.get(topic) ?? new Set();
      listeners.set(topic, forTopic);
      forTopic.add(listener);
      return () => {
        forTopic.delete(listener);
      };
    },
    async stop() {
      listeners.clear();
      await subscription.stop();
    },
  };
}
