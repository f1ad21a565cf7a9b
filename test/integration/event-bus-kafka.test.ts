import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { IncomingMessage } from '../../kit/src/events/event-bus.js';
import { KafkaEventBus } from '../../kit/src/events/kafka-event-bus.js';
import { describeEventBusContract, uniqueName, waitFor } from '../../kit/test/event-bus.contract.js';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker.js';

const brokers = inject('kafkaBrokers');

describeEventBusContract('KafkaEventBus', async () => ({ bus: new KafkaEventBus({ brokers, clientId: uniqueName('contract') }) }));

describe('KafkaEventBus.ensureTopics', () => {
  it('creates missing topics with the partitions asked for, and leaves existing ones alone', async () => {
    const bus = new KafkaEventBus({ brokers, clientId: uniqueName('topics') });
    const admin = new Kafka({ brokers, clientId: uniqueName('inspect'), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const [fresh, existing] = [uniqueName('fresh'), uniqueName('existing')];
      await bus.ensureTopics([existing], { partitions: 2 });
      await bus.ensureTopics([fresh, existing], { partitions: 4 });
      await bus.ensureTopics([fresh, existing], { partitions: 4 });
      const { topics } = await admin.fetchTopicMetadata({ topics: [fresh, existing] });
      const partitionsOf = (topic: string) => topics.find((entry) => entry.name === topic)?.partitions.length;
      expect(partitionsOf(fresh)).toBe(4);
      expect(partitionsOf(existing)).toBe(2);
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  });
});

describe('KafkaEventBus consumer groups', () => {
  it("commits a new group's start position before subscribe() resolves, so no member can skip past it later", async () => {
    const bus = new KafkaEventBus({ brokers, clientId: uniqueName('start') });
    const admin = new Kafka({ brokers, clientId: uniqueName('inspect'), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topic = uniqueName('topic');
      const groupId = uniqueName('group');
      await bus.ensureTopics([topic], { partitions: 3 });
      await bus.publish(Array.from({ length: 9 }, (_, index) => ({ topic, key: `key-${index}`, value: `old-${index}` })));
      await bus.subscribe({ groupId, topics: [topic], handle: async () => {} });

      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const watermarks = await admin.fetchTopicOffsets(topic);
      const byPartition = (entries: Array<{ partition: number; offset: string }>) =>
        Object.fromEntries(entries.map(({ partition, offset }) => [partition, offset]));
      expect(byPartition(committed!.partitions)).toEqual(
        byPartition(watermarks.map(({ partition, high }) => ({ partition, offset: high }))),
      );
      expect(watermarks.reduce((sum, { high }) => sum + Number(high), 0)).toBe(9);
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  });

  it('keeps a member in its group while a handler runs longer than the session timeout', async () => {
    const bus = new KafkaEventBus({ brokers, clientId: uniqueName('slow'), sessionTimeout: 6_000, heartbeatInterval: 500 });
    try {
      const topic = uniqueName('topic');
      const calls: string[] = [];
      const subscription = await bus.subscribe({
        groupId: uniqueName('group'),
        topics: [topic],
        handle: async (message) => {
          calls.push(message.value!);
          if (message.value === 'slow') await new Promise((resolve) => setTimeout(resolve, 7_500));
        },
      });
      await bus.publish([
        { topic, key: 'k', value: 'slow' },
        { topic, key: 'k', value: 'next' },
      ]);
      await waitFor(() => calls.includes('next') && subscription.lag() === 0, 'both messages handled');
      // Expelled from the group, the member could not commit 'slow' and would get it again.
      expect(calls).toEqual(['slow', 'next']);
    } finally {
      await bus.close();
    }
  }, 30_000);
});

describe('KafkaEventBus through a broker outage', () => {
  let broker: KafkaBroker | undefined;

  beforeAll(async () => {
    broker = await startKafkaBroker();
  }, 180_000);

  afterAll(async () => {
    await broker?.dispose();
  });

  it('rejects a publish within seconds while the broker is down, and delivers again once it is back', async () => {
    const own = broker!;
    const bus = new KafkaEventBus({
      brokers: [own.bootstrap],
      clientId: uniqueName('outage'),
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
    });
    try {
      const topic = uniqueName('topic');
      await bus.ensureTopics([topic], { partitions: 1 });
      const received: IncomingMessage[] = [];
      const subscription = await bus.subscribe({
        groupId: uniqueName('group'),
        topics: [topic],
        handle: async (message) => {
          received.push(message);
        },
      });
      await bus.publish([{ topic, key: 'k', value: 'before' }]);
      await waitFor(() => received.length === 1, 'the message sent before the outage');

      await own.stop();
      const started = performance.now();
      await expect(bus.publish([{ topic, key: 'k', value: 'during' }])).rejects.toThrow(/publishing 1 message\(s\) failed/);
      expect(performance.now() - started).toBeLessThan(10_000);
      const subscribing = performance.now();
      await expect(bus.subscribe({ groupId: uniqueName('group'), topics: [topic], handle: async () => {} })).rejects.toThrow(
        /subscribing group/,
      );
      expect(performance.now() - subscribing).toBeLessThan(15_000);

      await own.start();
      await bus.publish([{ topic, key: 'k', value: 'after' }]);
      await waitFor(() => received.length >= 2 && subscription.lag() === 0, 'the message sent after the outage', undefined, 45_000);
      expect(received.map((message) => message.value)).toEqual(['before', 'after']);
    } finally {
      await bus.close();
    }
  }, 90_000);
});
