/**
 * The transport under GasRápido's events: Kafka in deployments and tests
 * (KafkaEventBus), in memory for `npm start` and unit tests (MemoryEventBus).
 * Both pass one contract suite (kit/test/event-bus.contract.ts).
 *
 * Semantics every implementation keeps:
 * - at least once: a message is delivered again until its handler resolves;
 * - ordered per key within a topic: a handler sees one key's messages in publish order,
 *   and the next message of that key only after the previous one's handler resolved;
 * - consumer groups: each group receives every message of its topics once (apart from
 *   redelivery); two groups each receive all of them.
 */
export interface OutgoingMessage {
  topic: string;
  /** Partitioning key: one aggregate's events share a key, so they stay in order. */
  key: string;
  /** The serialised event envelope. */
  value: string;
  headers?: Readonly<Record<string, string>>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  /** Position in the partition, as a decimal string (Kafka offsets exceed 2^53). */
  offset: string;
  key: string | null;
  value: string | null;
  headers: Readonly<Record<string, string>>;
}

export interface SubscribeOptions {
  /** Consumers sharing a group id share the work; each group sees every message. */
  groupId: string;
  topics: readonly string[];
  /**
   * A new group starts at the oldest retained message instead of new ones
   * only; an existing group resumes where it left off either way.
   * subscribe() resolves once the start position is fixed.
   */
  fromBeginning?: boolean;
  /**
   * A new group starts at the first message published at or after this time
   * (instead of the oldest or only new ones): a replay of a recent window.
   * An existing group resumes where it left off either way.
   */
  startAt?: Date;
  /**
   * Resolving acknowledges the message. Rejecting redelivers it after a pause
   * (the bus backs off); callers that want bounded retries and dead-lettering
   * use startEventConsumer (event-consumer.ts), which never rejects.
   */
  handle(message: IncomingMessage): Promise<void>;
}

export interface BusSubscription {
  /** Stops after the message in progress and acknowledges what was handled, nothing more. */
  stop(): Promise<void>;
  /**
   * Messages published to the subscribed topics but not yet handled, as last
   * seen: on Kafka, over this member's assigned partitions; in memory, the group's.
   */
  lag(): number;
}

export interface EventBus {
  readonly kind: 'kafka' | 'memory';
  /** Resolves once every message is durably accepted; rejects if any was not. */
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<BusSubscription>;
  /**
   * Creates the topics that do not exist yet, with this many partitions
   * (partitions bound a consumer group's parallelism). A no-op in memory.
   */
  ensureTopics(topics: readonly string[], options?: { partitions?: number }): Promise<void>;
  /** Stops every subscription and releases connections. */
  close(): Promise<void>;
}
