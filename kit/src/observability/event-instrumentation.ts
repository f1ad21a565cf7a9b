import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { eventMetrics } from './event-metrics.js';
import { CORRELATION_ATTRIBUTE } from './request-span.js';
import { TRACER_NAME, type ServiceTelemetry } from './telemetry.js';
import { contextFromCarrier, injectTraceContext, withService, type TraceContext } from './trace-context.js';

// Structural views of the bus's messages and the envelope, so this module does not import the events module.
interface ConsumedMessage {
  topic: string;
  headers: Readonly<Record<string, string>>;
}
interface ConsumedEnvelope {
  id: string;
  type: string;
  time: string;
  correlationId: string;
  traceContext: TraceContext;
}

export type ConsumeOutcome = 'handled' | 'duplicate' | 'ignored' | 'dead_lettered';
export type DeadLetterReason = 'rejected' | 'handler_failed';

export interface ConsumerInstrumentation {
  /**
   * Runs the handling of one message in a consumer span that continues the
   * producer's trace (the relay's `traceparent` header, else the envelope's
   * traceContext), and records its outcome, duration and delivery delay.
   */
  consume(message: ConsumedMessage, envelope: ConsumedEnvelope | undefined, work: () => Promise<ConsumeOutcome>): Promise<ConsumeOutcome>;
  retried(message: ConsumedMessage): void;
  deadLettered(message: ConsumedMessage, reason: DeadLetterReason): void;
  /** Reports the consumer's lag at every scrape; returns the function that stops it. */
  observeLag(read: () => number): () => void;
}

const outcomes: readonly ConsumeOutcome[] = ['handled', 'duplicate', 'ignored', 'dead_lettered'];
const deadLetterReasons: readonly DeadLetterReason[] = ['rejected', 'handler_failed'];

export function consumerInstrumentation(
  consumer: string,
  topics: readonly string[],
  system: string,
  telemetry: ServiceTelemetry | undefined,
): ConsumerInstrumentation {
  const instruments = telemetry?.metrics.group(eventMetrics);
  // Every series starts at zero, so rates and alerts work before the first retry or dead letter.
  for (const topic of topics) {
    for (const outcome of outcomes) instruments?.consumed.inc({ consumer, topic, outcome }, 0);
    for (const reason of deadLetterReasons) instruments?.deadLettered.inc({ consumer, topic, reason }, 0);
    instruments?.retries.inc({ consumer, topic }, 0);
  }
  return {
    async consume(message, envelope, work) {
      const startedAt = performance.now();
      if (envelope !== undefined) {
        const delay = (Date.now() - Date.parse(envelope.time)) / 1000;
        if (Number.isFinite(delay)) instruments?.deliveryDelay.observe({ consumer }, Math.max(0, delay));
      }
      const producer = message.headers['traceparent'] !== undefined ? message.headers : (envelope?.traceContext ?? {});
      const parent = withService(contextFromCarrier(producer), telemetry?.service ?? consumer);
      const span = trace.getTracer(TRACER_NAME).startSpan(
        `${message.topic} process`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': system,
            'messaging.operation.type': 'process',
            'messaging.destination.name': message.topic,
            'messaging.consumer.group.name': consumer,
            ...(envelope === undefined
              ? {}
              : {
                  'messaging.message.id': envelope.id,
                  'gasrapido.event.type': envelope.type,
                  [CORRELATION_ATTRIBUTE]: envelope.correlationId,
                }),
          },
        },
        parent,
      );
      let outcome: ConsumeOutcome | 'failed' = 'failed';
      try {
        outcome = await context.with(trace.setSpan(parent, span), work);
        return outcome;
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.setAttribute('gasrapido.event.outcome', outcome);
        span.end();
        // A failure that escapes (the consumer stopping mid-retry) is redelivered later: not an outcome yet.
        if (outcome !== 'failed') {
          instruments?.consumed.inc({ consumer, topic: message.topic, outcome });
          instruments?.processing.observe({ consumer, outcome }, (performance.now() - startedAt) / 1000);
        }
      }
    },
    retried(message) {
      instruments?.retries.inc({ consumer, topic: message.topic });
      trace.getActiveSpan()?.addEvent('retry');
    },
    deadLettered(message, reason) {
      instruments?.deadLettered.inc({ consumer, topic: message.topic, reason });
      trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message: `dead-lettered: ${reason}` });
    },
    observeLag(read) {
      return instruments?.consumerLag.observe(() => [{ labels: { consumer }, value: read() }]) ?? (() => {});
    },
  };
}

interface RelayedRow {
  topic: string;
  key: string;
  envelope: string;
  traceparent: string | null;
  tracestate: string | null;
}
interface RelayedMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface RelayInstrumentation {
  /**
   * Publishes outbox rows through `send`, each in a producer span that
   * continues the trace of the request that wrote it, with that span's
   * context in the message's `traceparent` header for the consumers.
   */
  publish(rows: readonly RelayedRow[], send: (messages: RelayedMessage[]) => Promise<void>): Promise<void>;
  /** Reports the outbox backlog at every scrape; returns the function that stops it. */
  observePending(read: () => Promise<number>): () => void;
}

export function relayInstrumentation(system: string, telemetry: ServiceTelemetry | undefined): RelayInstrumentation {
  const instruments = telemetry?.metrics.group(eventMetrics);
  const service = telemetry?.service ?? 'outbox-relay';
  return {
    async publish(rows, send) {
      const tracer = trace.getTracer(TRACER_NAME);
      const spans: Span[] = [];
      const messages = rows.map((row) => {
        const origin: TraceContext = {};
        if (row.traceparent !== null) origin.traceparent = row.traceparent;
        if (row.tracestate !== null) origin.tracestate = row.tracestate;
        const parent = withService(contextFromCarrier(origin), service);
        const span = tracer.startSpan(
          `${row.topic} publish`,
          {
            kind: SpanKind.PRODUCER,
            attributes: { 'messaging.system': system, 'messaging.operation.type': 'send', 'messaging.destination.name': row.topic },
          },
          parent,
        );
        spans.push(span);
        const headers: Record<string, string> = {};
        injectTraceContext({ set: (name, value) => (headers[name] = value) }, trace.setSpan(parent, span));
        return { topic: row.topic, key: row.key, value: row.envelope, headers };
      });
      try {
        await send(messages);
        for (const message of messages) instruments?.published.inc({ topic: message.topic });
      } catch (error) {
        for (const message of messages) instruments?.publishFailures.inc({ topic: message.topic });
        for (const span of spans) recordFailure(span, error);
        throw error;
      } finally {
        for (const span of spans) span.end();
      }
    },
    observePending(read) {
      return instruments?.outboxPending.observe(async () => [{ labels: {}, value: await read() }]) ?? (() => {});
    },
  };
}

function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
