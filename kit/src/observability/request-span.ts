import type { IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { TRACER_NAME } from './telemetry.js';
import { contextFromCarrier, withService } from './trace-context.js';

/** The request's correlation id (x-correlation-id), on server and consumer spans, to go from a trace to its logs. */
export const CORRELATION_ATTRIBUTE = 'gasrapido.correlation_id';

export interface RequestSpan {
  /** The context to serve the request in: the span is active in it, under the caller's trace if it sent one. */
  readonly context: Context;
  end(status: number): void;
}

/**
 * The server span of one HTTP request to a service, continuing the trace the
 * caller sent in `traceparent` (the gateway's subgraph fetch, or a client).
 * Only the path is recorded, never the query string or headers.
 */
export function startRequestSpan(service: string, request: IncomingMessage, route: string, path: string): RequestSpan {
  const parent = withService(contextFromCarrier(request.headers), service);
  const method = request.method ?? 'GET';
  const span = trace.getTracer(TRACER_NAME).startSpan(
    `${method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_HTTP_ROUTE]: route, [ATTR_URL_PATH]: path },
    },
    parent,
  );
  return {
    context: trace.setSpan(parent, span),
    end(status) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}
