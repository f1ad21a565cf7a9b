import type { FormattedExecutionResult } from 'graphql';
import type { EventEnvelope, Logger, Viewer } from '#kit';
import type { EventFanout } from './event-fanout.js';
import type { PreparedSubscription } from './payload-query.js';

/** Loads one payload as the subscriber; null when there is nothing this subscriber may be sent. */
export type PayloadLoader = (entityId: string, envelope: EventEnvelope) => Promise<FormattedExecutionResult | null>;

export interface SubscriptionEventsOptions {
  fanout: EventFanout;
  subscription: PreparedSubscription;
  viewer: Viewer | null;
  load: PayloadLoader;
  logger: Logger;
  /** Entities waiting to be loaded beyond this are dropped (and logged). */
  maxPending?: number;
  /** Called once when the stream ends, however it ends. */
  onEnd?: () => void;
}

const defaultMaxPending = 1_000;

/**
 * One subscriber's stream of payloads. Matching events queue the id of the
 * entity to load; an id already waiting is not queued twice, because the
 * payload is loaded fresh and so reflects every change up to the load. A
 * subscriber whose loads fall behind therefore gets the latest state of each
 * entity, not a backlog of stale ones.
 *
 * A plain iterator rather than an async generator: graphql-ws calls
 * `return()` when the client completes or disconnects, and a generator
 * suspended in an `await` would only honour it after the next event.
 */
export class SubscriptionEvents implements AsyncIterableIterator<FormattedExecutionResult> {
  private readonly pending = new Map<string, EventEnvelope>();
  private wake: (() => void) | undefined;
  private ended = false;
  private readonly stopListening: () => void;
  private readonly maxPending: number;

  constructor(private readonly options: SubscriptionEventsOptions) {
    this.maxPending = options.maxPending ?? defaultMaxPending;
    this.stopListening = options.fanout.listen(options.subscription.field.topic, (envelope) => this.offer(envelope));
  }

  private offer(envelope: EventEnvelope): void {
    const { subscription, viewer, logger } = this.options;
    if (this.ended || !subscription.field.filter(envelope, subscription.args, viewer)) return;
    const entityId = subscription.field.entityId(envelope);
    if (entityId === undefined) return;
    if (!this.pending.has(entityId) && this.pending.size >= this.maxPending) {
      logger.warn({ eventId: envelope.id, field: subscription.fieldName }, 'subscriber too far behind; event dropped');
      return;
    }
    // A newer event for a waiting entity replaces the older one: one load covers both.
    this.pending.set(entityId, envelope);
    this.wake?.();
  }

  async next(): Promise<IteratorResult<FormattedExecutionResult>> {
    while (!this.ended) {
      const next = this.pending.entries().next();
      if (next.done === true) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const [entityId, envelope] = next.value;
      // Removed before loading: an event arriving during the load queues the entity again.
      this.pending.delete(entityId);
      let payload: FormattedExecutionResult | null;
      try {
        payload = await this.options.load(entityId, envelope);
      } catch (error) {
        // A rejected next() ends a for-await loop without calling return(): clean up here.
        await this.return();
        throw error;
      }
      if (payload !== null && !this.ended) return { value: payload, done: false };
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<FormattedExecutionResult>> {
    if (!this.ended) {
      this.ended = true;
      this.stopListening();
      this.pending.clear();
      this.wake?.();
      this.options.onEnd?.();
    }
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
