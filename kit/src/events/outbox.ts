import { currentTraceContext } from '../observability/trace-context.js';
import { createEnvelope, type EventEnvelope } from './envelope.js';
import type { EventData, EventDefinition } from './event-definition.js';
import type { z } from 'zod';

/** The part of a Prisma transaction client the outbox writes through. */
export interface RawSqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** An event ready for the outbox: its topic and its envelope. */
export interface PendingEvent {
  topic: string;
  envelope: EventEnvelope;
}

export interface EventOrigin {
  /** The producing service. */
  source: string;
  /** The request (or consumed event) that caused this one. */
  correlationId: string;
  /** The trace the event continues; by default the active span's (the request or consumed event being handled). */
  traceContext?: EventEnvelope['traceContext'];
}

/**
 * Builds an event of a defined type. The payload is checked against its
 * contract's schema here, so a producer bug fails the write that caused it
 * instead of reaching every consumer's dead-letter topic. The envelope
 * carries the trace context of the span active here unless the origin names
 * one, so consumers continue the trace of the request that caused the event.
 */
export function pendingEvent<Schema extends z.ZodType>(
  definition: EventDefinition<Schema>,
  origin: EventOrigin,
  /** The Kafka key: the payload field the contract names as its `key` (EVENTS.md). */
  subject: string,
  data: EventData<EventDefinition<Schema>>,
): PendingEvent {
  const checked = definition.data.parse(data);
  return {
    topic: definition.topic,
    envelope: createEnvelope({
      type: definition.type,
      source: origin.source,
      subject,
      schemaVersion: definition.version,
      correlationId: origin.correlationId,
      traceContext: origin.traceContext ?? currentTraceContext(),
      data: checked,
    }),
  };
}

/**
 * Writes events to the outbox inside the caller's transaction: they commit,
 * or roll back, together with the change that caused them.
 */
export async function recordEvents(transaction: RawSqlExecutor, events: readonly PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  const values: unknown[] = [];
  const rows = events.map((event, index) => {
    values.push(event.envelope.id, event.topic, event.envelope.subject, JSON.stringify(event.envelope));
    const base = index * 4;
    return `($${base + 1}::uuid, $${base + 2}, $${base + 3}, $${base + 4}::jsonb)`;
  });
  await transaction.$executeRawUnsafe(`insert into outbox_events (id, topic, key, envelope) values ${rows.join(', ')}`, ...values);
}
