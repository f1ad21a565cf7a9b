import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type logCreator,
  type Producer,
  type TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import type { Logger } from '../logger.js';
import { backoffDelay, sleep } from './backoff.js';
import type { BusSubscription, EventBus, IncomingMessage, OutgoingMessage, SubscribeOptions } from './event-bus.js';

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

type Settings = Required<Omit<KafkaEventBusOptions, 'brokers' | 'clientId' | 'logger' | 'redelivery' | 'retry'>> & {
  redelivery: { initialMs: number; maxMs: number };
};

/**
 * The EventBus on Apache Kafka (kafkajs). One idempotent producer, created on
 * the first publish; one consumer per subscription, handling each partition's
 * messages one at a time and committing only handled offsets.
 */
export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly settings: Settings;
  private readonly retry: { retries: number; initialRetryTime: number; maxRetryTime: number };
  private readonly logger: Logger | undefined;
  private readonly subscriptions = new Set<KafkaSubscription>();
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
    const admin = await this.connectedAdmin();
    const wanted = [...new Set(topics)];
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

interface PartitionProgress {
  /** Next offset this member has to handle (unknown until the start position or a batch tells). */
  next?: bigint;
  /** The partition's high watermark as last seen. */
  high?: bigint;
}

/** One consumer-group member: a kafkajs consumer running eachBatch. */
class KafkaSubscription {
  private readonly consumer: Consumer;
  private progress = new Map<string, PartitionProgress>();
  /** Where a new group starts on a partition, once chosen (so a retry after a rebalance picks the same). */
  private readonly startOffsets = new Map<string, string>();
  private generation = 0;
  private ready = deferred<void>();
  private stopRequested = false;
  private readonly stopSignal = deferred<void>();
  private stopping: Promise<void> | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  private refreshing = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Consecutive restarts after fatal crashes, for the back-off; reset on joining the group. */
  private restarts = 0;

  constructor(
    kafka: Kafka,
    private readonly admin: () => Promise<Admin>,
    private readonly options: SubscribeOptions,
    private readonly settings: Settings,
    private readonly logger: Logger | undefined,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: settings.sessionTimeout,
      heartbeatInterval: settings.heartbeatInterval,
      maxWaitTimeInMs: settings.maxWaitTimeInMs,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.restarts = 0;
      this.assigned(event.payload.memberAssignment);
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => this.crashed(event.payload.error, event.payload.restart));
  }

  async start(): Promise<void> {
    try {
      await this.consumer.connect();
      // The first metadata request for a missing topic makes the broker create it, and fails: ask again.
      await retrying(() => this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? false }));
      await this.run();
      await withTimeout(this.ready.promise, this.settings.subscribeTimeoutMs, `group ${this.options.groupId} was not joined in time`);
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw new Error(`subscribing group ${this.options.groupId} failed: ${errorMessage(error)}`, { cause: error });
    }
    this.lagTimer = setInterval(() => void this.refreshHighWatermarks(), this.settings.lagRefreshIntervalMs);
    this.lagTimer.unref();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopRequested = true;
      this.stopSignal.resolve();
      this.ready.reject(new Error('the subscription was stopped'));
      clearInterval(this.lagTimer);
      clearTimeout(this.restartTimer);
      // Waits for the batch in progress, which ends after the message in progress; then commits and leaves.
      await this.consumer.disconnect();
    })();
    return this.stopping;
  }

  private run(): Promise<void> {
    return this.consumer.run({
      autoCommit: true,
      autoCommitInterval: this.settings.commitIntervalMs,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /**
   * kafkajs restarts a crashed consumer itself only when it deems the error
   * retriable; after others (say the group coordinator still loading on a
   * freshly started broker) its consumer stays down. This one never gives up
   * until stopped: it runs the consumer again, with back-off.
   */
  private crashed(error: Error, restartedByKafkajs: boolean): void {
    if (this.stopRequested) return;
    if (restartedByKafkajs) {
      this.logger?.warn({ err: error, groupId: this.options.groupId }, 'event consumer crashed; kafkajs restarts it');
      return;
    }
    this.restarts += 1;
    const delay = backoffDelay(this.restarts, 500, 10_000);
    this.logger?.error({ err: error, groupId: this.options.groupId, retryInMs: delay }, 'event consumer stopped on an error; starting it again');
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.stopRequested) return;
      // A failure to start again shows up as another crash, or as a rejection here.
      this.consumer
        .connect()
        .then(() => (this.stopRequested ? this.consumer.disconnect() : this.run()))
        .catch((reason: unknown) => this.crashed(reason instanceof Error ? reason : new Error(String(reason)), false));
    }, delay);
  }

  lag(): number {
    let total = 0n;
    for (const { next, high } of this.progress.values()) {
      if (next !== undefined && high !== undefined && high > next) total += high - next;
    }
    return Number(total);
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const progress = this.progressOf(batch.topic, batch.partition);
    progress.high = max(progress.high, BigInt(batch.highWatermark));
    for (const message of batch.messages) {
      if (this.stopRequested || !isRunning() || isStale()) return;
      progress.next = BigInt(message.offset);
      const handled = await this.deliver(incomingMessage(batch.topic, batch.partition, message), heartbeat, isRunning);
      if (!handled) return;
      resolveOffset(message.offset);
      progress.next = BigInt(message.offset) + 1n;
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /** Handles one message until its handler resolves (true), or until the subscription stops (false). */
  private async deliver(message: IncomingMessage, heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      // kafkajs only heartbeats between messages: keep the membership alive through a slow handler.
      const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), this.settings.heartbeatInterval);
      try {
        await this.options.handle(message);
        return true;
      } catch (error) {
        this.logger?.warn(
          { err: error, groupId: this.options.groupId, topic: message.topic, partition: message.partition, offset: message.offset, attempt },
          'event handler failed; the message will be delivered again',
        );
      } finally {
        clearInterval(keepAlive);
      }
      if (this.stopRequested || !isRunning()) return false;
      const { initialMs, maxMs } = this.settings.redelivery;
      // Heartbeats during the pause; a rebalance makes heartbeat() throw, handing the message to the next owner.
      if (!(await this.pause(backoffDelay(attempt, initialMs, maxMs), heartbeat))) return false;
    }
  }

  /** Waits, heartbeating; false if the subscription stopped meanwhile. */
  private async pause(milliseconds: number, heartbeat: () => Promise<void>): Promise<boolean> {
    const until = Date.now() + milliseconds;
    while (!this.stopRequested && Date.now() < until) {
      await Promise.race([sleep(Math.max(0, Math.min(this.settings.heartbeatInterval, until - Date.now()))), this.stopSignal.promise]);
      if (!this.stopRequested) await heartbeat();
    }
    return !this.stopRequested;
  }

  /**
   * A new assignment: learn where each partition stands, and give a new group a
   * committed start position. Without one, kafkajs would resolve "latest" only
   * in memory, and a partition moving to another member before anything was
   * handled would skip what arrived in between.
   */
  private assigned(assignment: Record<string, number[]>): void {
    const generation = (this.generation += 1);
    const partitions = Object.entries(assignment).flatMap(([topic, numbers]) => numbers.map((partition) => ({ topic, partition })));
    this.progress = new Map(partitions.map(({ topic, partition }) => [partitionKey(topic, partition), {}]));
    const pausable = Object.entries(assignment).map(([topic, numbers]) => ({ topic, partitions: numbers }));
    // A new group without fromBeginning must not fetch before its start position is committed.
    const holdBack = !this.options.fromBeginning && partitions.length > 0;
    if (holdBack) this.consumer.pause(pausable);
    void this.establishStartWithRetries(generation, Object.keys(assignment))
      .catch((error: unknown) => this.logger?.warn({ err: error, groupId: this.options.groupId }, 'could not read the start positions of an event consumer'))
      .finally(() => {
        if (generation !== this.generation || this.stopRequested) return;
        try {
          if (holdBack) this.consumer.resume(pausable);
          this.ready.resolve();
        } catch (error) {
          this.ready.reject(error);
        }
      });
  }

  private async establishStartWithRetries(generation: number, topics: string[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.establishStart(generation, topics);
      } catch (error) {
        if (attempt >= 6 || generation !== this.generation || this.stopRequested) throw error;
        await sleep(backoffDelay(attempt, 200, 2_000));
      }
    }
  }

  private async establishStart(generation: number, topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    const admin = await this.admin();
    const [committed, watermarks] = await Promise.all([
      admin.fetchOffsets({ groupId: this.options.groupId, topics }),
      Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) }))),
    ]);
    if (generation !== this.generation) return;
    const toCommit: TopicPartitionOffsetAndMetadata[] = [];
    for (const { topic, partitions } of watermarks) {
      for (const { partition, high, low } of partitions) {
        const key = partitionKey(topic, partition);
        const progress = this.progress.get(key);
        if (progress === undefined) continue; // not ours
        const offset = committed.find((entry) => entry.topic === topic)?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
        let next = BigInt(offset);
        if (next < 0n) {
          if (this.options.fromBeginning) next = BigInt(low);
          else {
            const start = this.startOffsets.get(key) ?? high;
            this.startOffsets.set(key, start);
            next = BigInt(start);
            toCommit.push({ topic, partition, offset: start });
          }
        }
        progress.next ??= next;
        progress.high = max(progress.high, BigInt(high));
      }
    }
    if (toCommit.length > 0) await this.consumer.commitOffsets(toCommit);
  }

  private async refreshHighWatermarks(): Promise<void> {
    if (this.refreshing || this.stopRequested) return;
    this.refreshing = true;
    try {
      const admin = await this.admin();
      for (const topic of this.options.topics) {
        for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
          const progress = this.progress.get(partitionKey(topic, partition));
          if (progress !== undefined) progress.high = max(progress.high, BigInt(high));
        }
      }
    } catch (error) {
      this.logger?.debug({ err: error, groupId: this.options.groupId }, 'could not refresh the high watermarks for lag()');
    } finally {
      this.refreshing = false;
    }
  }

  private progressOf(topic: string, partition: number): PartitionProgress {
    const key = partitionKey(topic, partition);
    let progress = this.progress.get(key);
    if (progress === undefined) {
      progress = {};
      this.progress.set(key, progress);
    }
    return progress;
  }
}

function incomingMessage(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) headers[name] = last.toString();
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString(),
    value: message.value === null ? null : message.value.toString(),
    headers,
  };
}

/**
 * kafkajs's log lines at warn and above, into the bus's logger, all at warn:
 * kafkajs reports every retried connection attempt as an error, while the
 * failures that matter reach callers as rejections (and the bus logs its own).
 */
function kafkajsLogCreator(logger: Logger | undefined): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      if (logger === undefined || level > logLevel.WARN) return;
      const { message, timestamp: _timestamp, logger: _name, stack: _stack, ...details } = log;
      // Retries are bounded on purpose (publish rejects, callers retry): the bus promises at least once, not exactly once.
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      logger.warn({ component: 'kafkajs', namespace, ...details }, message);
    };
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function max(current: bigint | undefined, candidate: bigint): bigint {
  return current === undefined || candidate > current ? candidate : current;
}

function connect<Client extends { connect(): Promise<void> }>(client: Client, onFailure: () => void): Promise<Client> {
  return client.connect().then(
    () => client,
    (error: unknown) => {
      onFailure();
      throw error;
    },
  );
}

async function disconnect(client: Promise<{ disconnect(): Promise<void> }> | undefined): Promise<void> {
  if (client === undefined) return;
  await (await client.catch(() => undefined))?.disconnect();
}

function withTimeout<T>(promise: Promise<T>, milliseconds: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Retries what kafkajs reports as retriable (a topic being created, a leader being elected), for up to ~5 s. */
async function retrying<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const retriable = (error as { retriable?: unknown } | null)?.retriable === true;
      if (!retriable || attempt >= 10) throw error;
      await sleep(Math.min(1_000, 50 * 2 ** attempt));
    }
  }
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
