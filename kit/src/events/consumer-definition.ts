import type { Logger } from '../logger.js';
import type { ServiceTelemetry } from '../observability/telemetry.js';
import type { EventDefinition } from './event-definition.js';
import type { EventBus } from './event-bus.js';
import { on, startEventConsumer, type EventConsumer, type EventConsumerOptions, type EventHandler, type On } from './event-consumer.js';

/** What the kit gives a consumer when it starts it beside its subgraph. */
export interface ConsumerRuntime {
  bus: EventBus;
  logger: Logger;
  telemetry?: ServiceTelemetry;
}

/**
 * A consumer the kit starts beside the subgraph and stops before its database
 * closes. Its transaction type stays inside: the kit only starts it.
 */
export interface ConsumerDefinition {
  readonly name: string;
  /** The contracts of the events it handles. */
  readonly consumes: readonly EventDefinition[];
  start(runtime: ConsumerRuntime): Promise<EventConsumer>;
}

export interface EventConsumerSpec<Transaction> extends Omit<
  EventConsumerOptions<Transaction>,
  'bus' | 'logger' | 'telemetry' | 'handlers'
> {
  /** One handler per event type, each built with `on` from the producer's published contract. */
  handlers(on: On<Transaction>): readonly EventHandler<Transaction>[];
}

/**
 * Declares a consumer. The transaction type comes from `transactions`, so each
 * handler receives its event's payload type and the subgraph's own transaction:
 *
 *   eventConsumer({ name: 'payments.orders', transactions, handlers: (on) => [on(OrderEvents.created, async (order, { transaction }) => …)] })
 */
export function eventConsumer<Transaction>({ handlers, ...spec }: EventConsumerSpec<Transaction>): ConsumerDefinition {
  const built = handlers(on);
  return {
    name: spec.name,
    consumes: built.map((handler) => handler.definition),
    start: (runtime) => startEventConsumer({ ...spec, ...runtime, handlers: built }),
  };
}
