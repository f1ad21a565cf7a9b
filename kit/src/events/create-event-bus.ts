import type { Logger } from '../logger.js';
import type { EventBus } from './event-bus.js';
import { KafkaEventBus } from './kafka-event-bus.js';
import { MemoryEventBus } from './memory-event-bus.js';
import { NamespacedEventBus } from './namespaced-event-bus.js';

export interface EventBusSettings {
  /** Kafka bootstrap addresses; none (or an empty list) means the in-memory bus. */
  brokers?: readonly string[] | undefined;
  clientId: string;
  logger?: Logger;
  /** Prefix of every topic and consumer group, for deployments sharing a cluster. */
  namespace?: string | undefined;
}

/**
 * The process's event bus: Kafka when brokers are configured, otherwise one in
 * memory (the embedded default of `npm start`). Connections open on first use.
 */
export function createEventBus({ brokers, clientId, logger, namespace }: EventBusSettings): EventBus {
  const bus: EventBus =
    brokers !== undefined && brokers.length > 0 ? new KafkaEventBus({ brokers, clientId, logger }) : new MemoryEventBus();
  return namespace ? new NamespacedEventBus(bus, namespace) : bus;
}

/** Partitions of each event topic a deployment creates; they bound each consumer group's parallelism. */
export const TOPIC_PARTITIONS = 6;

/**
 * A process's bus, ready to use: created as above, with `topics` (those of the
 * events it produces: an EventRegistry's) made to exist with TOPIC_PARTITIONS
 * partitions rather than by the broker's defaults on first use.
 */
export async function openEventBus(settings: EventBusSettings, topics: readonly string[]): Promise<EventBus> {
  const bus = createEventBus(settings);
  if (topics.length > 0) await bus.ensureTopics(topics, { partitions: TOPIC_PARTITIONS });
  return bus;
}
