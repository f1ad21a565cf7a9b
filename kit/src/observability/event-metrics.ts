import { Counter, Histogram, type Registry } from 'prom-client';
import { ObservedGauge } from './observed-gauge.js';

/** Event-bus instruments: the outbox relay's publishing and the consumers' handling. */
export function eventMetrics(registry: Registry) {
  return {
    published: new Counter({
      name: 'gasrapido_events_published_total',
      help: 'Events the outbox relay published to the bus, by topic.',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    publishFailures: new Counter({
      name: 'gasrapido_event_publish_failures_total',
      help: 'Events whose publishing failed (the relay retries them), by topic.',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    outboxPending: new ObservedGauge(registry, {
      name: 'gasrapido_outbox_pending_events',
      help: 'Events written to the outbox but not yet published.',
      labelNames: [],
    }),
    consumed: new Counter({
      name: 'gasrapido_events_consumed_total',
      help: 'Events a consumer finished with, by consumer, topic and outcome (handled, duplicate, ignored, dead_lettered).',
      labelNames: ['consumer', 'topic', 'outcome'] as const,
      registers: [registry],
    }),
    processing: new Histogram({
      name: 'gasrapido_event_processing_duration_seconds',
      help: 'Time a consumer spent on one event, retries included, by consumer and outcome.',
      labelNames: ['consumer', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    deliveryDelay: new Histogram({
      name: 'gasrapido_event_delivery_delay_seconds',
      help: 'Time from an event being recorded (its envelope time) to a consumer starting on it.',
      labelNames: ['consumer'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    retries: new Counter({
      name: 'gasrapido_event_retries_total',
      help: 'Failed handler attempts that were retried, by consumer and topic.',
      labelNames: ['consumer', 'topic'] as const,
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'gasrapido_events_dead_lettered_total',
      help: 'Events sent to the dead-letter topic, by consumer, topic and reason (rejected: malformed or unsupported; handler_failed: out of attempts).',
      labelNames: ['consumer', 'topic', 'reason'] as const,
      registers: [registry],
    }),
    consumerLag: new ObservedGauge(registry, {
      name: 'gasrapido_event_consumer_lag',
      help: 'Events published to a consumer’s topics but not yet handled by it, as last seen.',
      labelNames: ['consumer'],
    }),
  };
}
