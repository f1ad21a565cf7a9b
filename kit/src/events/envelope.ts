import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The envelope every event travels in. `subject` is the aggregate's id and
 * the message key; `schemaVersion` versions `data` for its `type`.
 */
export interface EventEnvelope<Data = unknown> {
  id: string;
  type: string;
  /** The producing service, e.g. `products`. */
  source: string;
  /** When the change happened (ISO 8601). */
  time: string;
  subject: string;
  schemaVersion: number;
  /** The correlation id of the request that caused the event. */
  correlationId: string;
  /** W3C trace context of the producing request, when it was traced. */
  traceContext: { traceparent?: string; tracestate?: string };
  data: Data;
}

const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z]+(\.[a-z_]+)+$/, 'must be a dotted lower-case name such as `domain.event_happened`'),
  source: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  correlationId: z.string().min(1),
  traceContext: z.object({ traceparent: z.string().optional(), tracestate: z.string().optional() }),
  data: z.unknown(),
});

export type EnvelopeParseResult = { ok: true; envelope: EventEnvelope } | { ok: false; reason: string };

/** Validates a message value on consume; malformed events are reported, never thrown. */
export function parseEnvelope(value: string | null): EnvelopeParseResult {
  if (value === null) return { ok: false, reason: 'message has no value' };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { ok: false, reason: 'value is not JSON' };
  }
  const result = envelopeSchema.safeParse(json);
  if (!result.success) {
    return {
      ok: false,
      reason: `envelope invalid: ${result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`).join('; ')}`,
    };
  }
  return { ok: true, envelope: result.data as EventEnvelope };
}

export interface NewEvent<Data> {
  type: string;
  source: string;
  subject: string;
  schemaVersion: number;
  correlationId: string;
  data: Data;
  traceContext?: EventEnvelope['traceContext'];
  time?: Date;
}

export function createEnvelope<Data>(event: NewEvent<Data>): EventEnvelope<Data> {
  return {
    id: randomUUID(),
    type: event.type,
    source: event.source,
    time: (event.time ?? new Date()).toISOString(),
    subject: event.subject,
    schemaVersion: event.schemaVersion,
    correlationId: event.correlationId,
    traceContext: event.traceContext ?? {},
    data: event.data,
  };
}
