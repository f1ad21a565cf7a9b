import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

/**
 * The spans @apollo/gateway's executor opens, under the same names, so traces
 * look the same with either executor (docs/observability.md). Without a tracer
 * provider (no OTLP endpoint) the OpenTelemetry API is a no-op.
 */
export const SpanName = {
  REQUEST: 'gateway.request',
  PLAN: 'gateway.plan',
  EXECUTE: 'gateway.execute',
  FETCH: 'gateway.fetch',
  POST_PROCESSING: 'gateway.postprocessing',
} as const;

const tracer = trace.getTracer('gasrapido-gateway-executor');

export function inSpan<T>(name: (typeof SpanName)[keyof typeof SpanName], attributes: Attributes | undefined, work: () => T): T {
  return tracer.startActiveSpan(name, attributes === undefined ? {} : { attributes }, (span) => {
    let result: T;
    try {
      result = work();
    } catch (error) {
      failed(span, error);
      span.end();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => (span.end(), value),
        (error: unknown) => {
          failed(span, error);
          span.end();
          throw error;
        },
      ) as T;
    }
    span.end();
    return result;
  });
}

function failed(span: ReturnType<typeof tracer.startSpan>, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}
