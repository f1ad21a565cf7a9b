import { Kafka, Partitioners, logLevel, type Admin, type IHeaders, type Producer } from 'kafkajs';
import type { Logger } from '../logger.js';
import type { EventBus, OutgoingMessage, SubscribeOptions, BusSubscription } from './event-bus.js';
import { KafkaSubscription, type SubscriptionSettings } from './kafka-subscription.js';
import { connect, disconnect, kafkajsLogCreator, retrying, withTimeout, errorMessage } from './kafka-support.js';

export interface KafkaEventBusOptions {
  /** Bootstrap addresses, `host:port`. */
  brokers: readonly string[];
  clientId: string;
  /** Receives kafkajs's own warnings and errors, and the bus's; none are logged without it. */
  logger?: Logger;
  /** Longest time the broker holds a fetch when there is nothing new (the delivery latency floor). Default 100. */
  maxWaitTimeInMs?: number;
  /** A member silent for this long leaves its group (how long a crashed member's partitions wait). Default 10000. */
  sessionTimeout?: number;
  /** Default 1000; must be well below sessionTimeout. */
  heartbeatInterval?: number;
  /** Partitions one subscription handles at once; each partition stays sequential. Default 3. */
  partitionsConsumedConcurrently?: number;
  /** Pause before a rejected message is handled again: doubles from initialMs up to maxMs, with jitter. */
  redelivery?: { initialMs?: number; maxMs?: number };
  /** Bounded retries of a publish (and of connecting), so an outage surfaces as a rejection within seconds. */
  retry?: { retries?: number; initialRetryTimeMs?: number; maxRetryTimeMs?: number };
  /** A publish not acknowledged within this time rejects (its messages may still land: at least once). Default 5000. */
  publishTimeoutMs?: number;
  /** subscribe() rejects if the consumer has not joined its group within this time. Default 30000. */
  subscribeTimeoutMs?: number;
  /** How often lag() refreshes the partitions' high watermarks from the broker. Default 1000. */
  lagRefreshIntervalMs?: number;
  /** Handled offsets are committed at the end of each fetched batch and at least this often within one. Default 1000. */
  commitIntervalMs?: number;
}

export interface EnsureTopicsOptions {
  /** Partitions of each topic that does not exist yet; existing topics are left as they are. Default 3. */
  partitions?: number;
  /** Default: the broker's default.replication.factor. */
  replicationFactor?: number;
}

/**
 * The EventBus on Apache Kafka (kafkajs). One idempotent producer, created on
 * the first publish; one consumer per subscription, handling each partition's
 * messages one at a time and committing only handled offsets.
 */
export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly settings: SubscriptionSettings;
  private readonly retry: { retries: number; initialRetryTime: number; maxRetryTime: number };
  private readonly logger: Logger | undefined;
  private readonly subscriptions = new Set<KafkaSubscription>();
  /** Topics this bus has made exist: each service of a process asks again for the topics it reads. */
  private readonly ensured = new Set<string>();
  private producer: Promise<Producer> | undefined;
  private admin: Promise<Admin> | undefined;
  /** Publishes go out one after another, so the idempotent producer's sequence numbers never race. */
  private publishing: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(options: KafkaEventBusOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaEventBus needs at least one broker');
    this.logger = options.logger;
    this.settings = {
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 100,
      sessionTimeout: options.sessionTimeout ?? 10_000,
      heartbeatInterval: options.heartbeatInterval ?? 1_000,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
      redelivery: { initialMs: options.redelivery?.initialMs ?? 100, maxMs: options.redelivery?.maxMs ?? 5_000 },
      publishTimeoutMs: options.publishTimeoutMs ?? 5_000,
      subscribeTimeoutMs: options.subscribeTimeoutMs ?? 30_000,
      lagRefreshIntervalMs: options.lagRefreshIntervalMs ?? 1_000,
      commitIntervalMs: options.commitIntervalMs ?? 1_000,
    };
    this.retry = {
      // The idempotent producer needs at least one retry.
      retries: Math.max(1, options.retry?.retries ?? 5),
      initialRetryTime: options.retry?.initialRetryTimeMs ?? 100,
      maxRetryTime: options.retry?.maxRetryTimeMs ?? 1_000,
    };
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      retry: this.retry,
      logLevel: options.logger === undefined ? logLevel.NOTHING : logLevel.WARN,
      logCreator: kafkajsLogCreator(options.logger),
    });
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closing !== undefined) throw new Error('event bus is closed');
    if (messages.length === 0) return;
    const sent = this.publishing.then(() => this.send(messages));
    this.publishing = sent.catch(() => undefined);
    return sent;
  }

  async subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    if (this.closing !== undefined) throw new Error('event bus is closed');
    if (options.topics.length === 0) throw new Error('subscribe needs at least one topic');
    const subscription = new KafkaSubscription(this.kafka, () => this.connectedAdmin(), options, this.settings, this.logger);
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      this.subscriptions.delete(subscription);
      throw error;
    }
    return {
      stop: async () => {
        await subscription.stop();
        this.subscriptions.delete(subscription);
      },
      lag: () => subscription.lag(),
    };
  }

  /**
   * Creates the topics that do not exist yet and waits for their partition
   * leaders. Idempotent; run it at service start (and in tests) rather than
   * relying on the broker's auto-creation, whose partition count is its default.
   */
  async ensureTopics(topics: readonly string[], options: EnsureTopicsOptions = {}): Promise<void> {
    const wanted = [...new Set(topics)].filter((topic) => !this.ensured.has(topic));
    if (wanted.length === 0) return;
    const admin = await this.connectedAdmin();
    // Right after creation the broker may not yet host a new topic's partitions, which kafkajs
    // reports as a retriable error: list, create and wait again until every topic answers.
    await retrying(async () => {
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((topic) => !existing.has(topic));
      if (missing.length > 0) {
        await admin.createTopics({
          topics: missing.map((topic) => ({
            topic,
            numPartitions: options.partitions ?? 3,
            replicationFactor: options.replicationFactor ?? -1,
          })),
          waitForLeaders: true,
        });
      }
      await admin.fetchTopicMetadata({ topics: wanted });
    });
    for (const topic of wanted) this.ensured.add(topic);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.stop()));
      this.subscriptions.clear();
      await this.publishing;
      await Promise.allSettled([disconnect(this.producer), disconnect(this.admin)]);
    })();
    return this.closing;
  }

  private async send(messages: readonly OutgoingMessage[]): Promise<void> {
    const byTopic = new Map<string, Array<{ key: string; value: string; headers?: IHeaders }>>();
    for (const message of messages) {
      const list = byTopic.get(message.topic) ?? [];
      byTopic.set(message.topic, list);
      list.push({ key: message.key, value: message.value, ...(message.headers ? { headers: { ...message.headers } } : {}) });
    }
    try {
      const producer = await this.connectedProducer();
      await withTimeout(
        producer.sendBatch({
          topicMessages: [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages })),
          acks: -1,
          timeout: this.settings.publishTimeoutMs,
        }),
        this.settings.publishTimeoutMs,
        `publish was not acknowledged within ${this.settings.publishTimeoutMs} ms`,
      );
    } catch (error) {
      // A fresh producer (new producer id) after any failure: no sequence state left over from a broken one.
      const broken = this.producer;
      this.producer = undefined;
      disconnect(broken).catch(() => undefined);
      throw new Error(`publishing ${messages.length} message(s) failed: ${errorMessage(error)}`, { cause: error });
    }
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= connect(
      this.kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent: true,
        maxInFlightRequests: 1,
        retry: this.retry,
      }),
      () => (this.producer = undefined),
    );
    return this.producer;
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= connect(this.kafka.admin({ retry: this.retry }), () => (this.admin = undefined));
    return this.admin;
  }
}
