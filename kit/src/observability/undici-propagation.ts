import diagnostics from 'node:diagnostics_channel';
import { context, propagation } from '@opentelemetry/api';

/** What undici publishes on `undici:request:create`: headers as a flat [name, value, …] array (v6+) or a raw string (older). */
interface UndiciRequest {
  headers: unknown;
  addHeader?(name: string, value: string): unknown;
}

const channel = 'undici:request:create';

/**
 * Adds the active trace context (`traceparent`, `tracestate`) to every HTTP
 * request made with undici or Node's fetch in this process, unless the caller
 * set one: this is how the gateway's subgraph fetches, and JWKS lookups,
 * carry the trace to the next service without code in each caller. Returns
 * the function that stops it.
 */
export function propagateThroughUndici(): () => void {
  const onRequest = (message: unknown): void => {
    const request = (message as { request?: UndiciRequest } | null)?.request;
    if (request === undefined || typeof request.addHeader !== 'function' || hasTraceparent(request.headers)) return;
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    for (const [name, value] of Object.entries(carrier)) request.addHeader(name, value);
  };
  diagnostics.subscribe(channel, onRequest);
  return () => {
    diagnostics.unsubscribe(channel, onRequest);
  };
}

function hasTraceparent(headers: unknown): boolean {
  if (Array.isArray(headers)) {
    for (let index = 0; index < headers.length; index += 2) {
      if (String(headers[index]).toLowerCase() === 'traceparent') return true;
    }
    return false;
  }
  return typeof headers === 'string' && /(^|\r\n)traceparent:/i.test(headers);
}
