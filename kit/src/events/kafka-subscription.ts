import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, TopicPartitionOffsetAndMetadata } from 'kafkajs';
import type { Logger } from '../logger.js';
import { backoffDelay, sleep } from './backoff.js';
import type { IncomingMessage, SubscribeOptions } from './event-bus.js';
import { deferred, errorMessage, retrying, withTimeout } from './kafka-support.js';

/** The bus's tuning, resolved to values (see KafkaEventBusOptions for each one's meaning). */
export interface SubscriptionSettings {
  maxWaitTimeInMs: number;
  sessionTimeout: number;
  heartbeatInterval: number;
  partitionsConsumedConcurrently: number;
  publishTimeoutMs: number;
  subscribeTimeoutMs: number;
  lagRefreshIntervalMs: number;
  commitIntervalMs: number;
  redelivery: { initialMs: number; maxMs: number };
}

interface PartitionProgress {
  /** Next offset this member has to handle (unknown until the start position or a batch tells). */
  next?: bigint;
  /** The partition's high watermark as last seen. */
  high?: bigint;
}

/** One consumer-group member: a kafkajs consumer running eachBatch. */
export class KafkaSubscription {
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
    private readonly settings: SubscriptionSettings,
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
      await retrying(() =>
        this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? false }),
      );
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
    this.logger?.error(
      { err: error, groupId: this.options.groupId, retryInMs: delay },
      'event consumer stopped on an error; starting it again',
    );
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

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload): Promise<void> {
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
          {
            err: error,
            groupId: this.options.groupId,
            topic: message.topic,
            partition: message.partition,
            offset: message.offset,
            attempt,
          },
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
    // A new group without fromBeginning (or starting at a time) must not fetch before its start position is committed.
    const holdBack = (!this.options.fromBeginning || this.options.startAt !== undefined) && partitions.length > 0;
    if (holdBack) this.consumer.pause(pausable);
    void this.establishStartWithRetries(generation, Object.keys(assignment))
      .catch((error: unknown) =>
        this.logger?.warn({ err: error, groupId: this.options.groupId }, 'could not read the start positions of an event consumer'),
      )
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
    const startAt = this.options.startAt?.getTime();
    const [committed, watermarks, byTime] = await Promise.all([
      admin.fetchOffsets({ groupId: this.options.groupId, topics }),
      Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) }))),
      // The first offset at or after the time (the high watermark where nothing is that recent).
      startAt === undefined
        ? Promise.resolve([])
        : Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsetsByTimestamp(topic, startAt) }))),
    ]);
    if (generation !== this.generation) return;
    const toCommit: TopicPartitionOffsetAndMetadata[] = [];
    for (const { topic, partitions } of watermarks) {
      for (const { partition, high, low } of partitions) {
        const key = partitionKey(topic, partition);
        const progress = this.progress.get(key);
        if (progress === undefined) continue; // not ours
        const offset =
          committed.find((entry) => entry.topic === topic)?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
        let next = BigInt(offset);
        if (next < 0n) {
          if (this.options.fromBeginning && startAt === undefined) next = BigInt(low);
          else {
            const fromTime = byTime
              .find((entry) => entry.topic === topic)
              ?.partitions.find((entry) => entry.partition === partition)?.offset;
            const start = this.startOffsets.get(key) ?? fromTime ?? high;
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

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function max(current: bigint | undefined, candidate: bigint): bigint {
  return current === undefined || candidate > current ? candidate : current;
}
