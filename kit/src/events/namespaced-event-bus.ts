import type { BusSubscription, EventBus, OutgoingMessage, SubscribeOptions } from './event-bus.js';

/**
 * Gives one deployment its own topics and consumer groups on a shared Kafka
 * cluster (staging beside production, or one test run beside another): every
 * topic and group id gets the prefix on the way in and loses it on the way
 * out, so services keep using the catalogue's names.
 */
export class NamespacedEventBus implements EventBus {
  readonly kind: EventBus['kind'];

  constructor(
    private readonly inner: EventBus,
    private readonly namespace: string,
  ) {
    this.kind = inner.kind;
  }

  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    return this.inner.publish(messages.map((message) => ({ ...message, topic: this.namespace + message.topic })));
  }

  subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    return this.inner.subscribe({
      ...options,
      groupId: this.namespace + options.groupId,
      topics: options.topics.map((topic) => this.namespace + topic),
      handle: (message) => options.handle({ ...message, topic: message.topic.slice(this.namespace.length) }),
    });
  }

  ensureTopics(topics: readonly string[], options?: { partitions?: number }): Promise<void> {
    return this.inner.ensureTopics(
      topics.map((topic) => this.namespace + topic),
      options,
    );
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
