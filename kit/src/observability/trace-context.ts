import { context, createContextKey, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';

/** W3C trace context as carried in headers and in an event envelope's `traceContext`. */
export type TraceContext = {
  traceparent?: string;
  tracestate?: string;
};

/**
 * The span attribute naming the GasRápido service a span belongs to. Tests and
 * `npm start` run every service in one process under one tracer provider, so
 * the process's resource cannot tell them apart; this attribute does, and the
 * exporter turns it back into a per-service resource (service-spans.ts).
 */
export const SERVICE_ATTRIBUTE = 'gasrapido.service';

const serviceKey = createContextKey('gasrapido.service');

/** A context whose spans (ours and libraries', e.g. @apollo/gateway's) belong to this service. */
export function withService(parent: Context, service: string): Context {
  return parent.setValue(serviceKey, service);
}

export function serviceOf(ctx: Context): string | undefined {
  const value = ctx.getValue(serviceKey);
  return typeof value === 'string' ? value : undefined;
}

/**
 * The W3C trace context of the active span, to store beside work that
 * continues later (an outbox event). Empty when tracing is off or nothing is
 * being traced.
 */
export function currentTraceContext(): TraceContext {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const result: TraceContext = {};
  if (carrier['traceparent'] !== undefined) result.traceparent = carrier['traceparent'];
  if (carrier['tracestate'] !== undefined) result.tracestate = carrier['tracestate'];
  return result;
}

/** The context a remote caller or producer handed over (headers or an envelope's traceContext), on top of `base`. */
export function contextFromCarrier(
  carrier: Readonly<Record<string, string | string[] | undefined>>,
  base: Context = ROOT_CONTEXT,
): Context {
  return propagation.extract(base, carrier, {
    keys: (value) => Object.keys(value),
    get: (value, key) => {
      const found = value[key];
      return Array.isArray(found) ? found[0] : found;
    },
  });
}

/** Writes the active trace context into outgoing headers (anything with `set`, like a Fetch `Headers`). */
export function injectTraceContext(headers: { set(name: string, value: string): unknown }, from: Context = context.active()): void {
  propagation.inject(from, headers, { set: (carrier, key, value) => void carrier.set(key, value) });
}

/** Trace and span ids of the active span, for log lines; empty when nothing is traced. */
export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return trace.isSpanContextValid(span.spanContext()) ? { traceId, spanId } : {};
}
