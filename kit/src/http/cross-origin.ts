import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORRELATION_HEADER } from '../correlation.js';
import { sendJson } from './json-response.js';

/** Which web pages, by origin, may call a service from a browser (docs/gateway-protections.md). */
export interface CrossOriginPolicy {
  /** `*`: any origin; otherwise exact origins (`https://app.example.com`); empty: none. */
  readonly origins: '*' | ReadonlySet<string>;
  /** Sends Access-Control-Allow-Credentials, so that a page may send cookies; the API itself uses bearer tokens. */
  readonly credentials: boolean;
}

/**
 * The request headers a browser client may send: what Apollo Client, graphql-ws'
 * HTTP siblings and the CSRF check ask for, the caller's token, and the
 * correlation and trace ids a client may propagate. Automatic persisted
 * queries travel in the body or query string (`extensions.persistedQuery`);
 * a GET for a hashed query passes the CSRF check with `apollo-require-preflight`
 * or `x-apollo-operation-name`, both listed here.
 */
export const allowedRequestHeaders = [
  'accept',
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  CORRELATION_HEADER,
  'traceparent',
  'tracestate',
] as const;

/** Response headers a page's script may read besides the CORS-safelisted ones. */
export const exposedResponseHeaders = [CORRELATION_HEADER, 'retry-after'] as const;

/** How long a browser may reuse a preflight's answer; Chromium caps it at two hours. */
export const preflightMaxAgeSeconds = 3_600;

/** Whether a page of this origin may read the service's answers. */
export function originAllowed(policy: CrossOriginPolicy, origin: string): boolean {
  return policy.origins === '*' || policy.origins.has(origin);
}

/**
 * The Access-Control-Allow-Origin value for an allowed origin. With
 * credentials the origin is echoed, since browsers refuse `*` with them.
 */
function allowOriginValue(policy: CrossOriginPolicy, origin: string): string {
  return policy.origins === '*' && !policy.credentials ? '*' : origin;
}

function originOf(request: IncomingMessage): string | undefined {
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin.length > 0 ? origin : undefined;
}

/** A CORS preflight: OPTIONS with the method the page means to send. */
export function isPreflight(request: IncomingMessage): boolean {
  return request.method === 'OPTIONS' && originOf(request) !== undefined && request.headers['access-control-request-method'] !== undefined;
}

/**
 * Adds the CORS headers to the answer of an actual (non-preflight) request
 * from an allowed origin. Other origins get none, so their pages cannot read
 * the answer; the request itself is not refused here, as non-browser clients
 * send no Origin and the CSRF check guards what a browser sends without a
 * preflight.
 */
export function addCrossOriginHeaders(policy: CrossOriginPolicy, request: IncomingMessage, response: ServerResponse): void {
  // Whether CORS headers are present depends on the Origin; a shared cache must key on it.
  response.setHeader('vary', 'Origin');
  const origin = originOf(request);
  if (origin === undefined || !originAllowed(policy, origin)) return;
  response.setHeader('access-control-allow-origin', allowOriginValue(policy, origin));
  response.setHeader('access-control-expose-headers', exposedResponseHeaders.join(', '));
  if (policy.credentials) response.setHeader('access-control-allow-credentials', 'true');
}

/**
 * Answers a preflight for a path served with `methods`. An allowed origin gets
 * 204 with what it may send; any other origin gets 403 without CORS headers,
 * which the browser reports as a failed preflight, and which names the reason
 * for whoever reads the network log.
 */
export function answerPreflight(
  policy: CrossOriginPolicy,
  request: IncomingMessage,
  response: ServerResponse,
  methods: readonly string[],
): void {
  const origin = originOf(request) ?? '';
  if (!originAllowed(policy, origin)) {
    sendJson(response, 403, { error: `Origin ${origin} is not allowed to call this API from a browser.` }, { vary: 'Origin' });
    return;
  }
  response.writeHead(204, {
    'access-control-allow-origin': allowOriginValue(policy, origin),
    'access-control-allow-methods': methods.join(', '),
    'access-control-allow-headers': allowedRequestHeaders.join(', '),
    'access-control-max-age': String(preflightMaxAgeSeconds),
    ...(policy.credentials ? { 'access-control-allow-credentials': 'true' } : {}),
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    'content-length': '0',
  });
  response.end();
}

/**
 * Parses an origin list as configured: `*`, or comma-separated origins in
 * their exact serialized form (scheme, host, port when not the default; no
 * path, no trailing slash), as browsers send them in `Origin`. Returns the
 * problems found instead when any entry is malformed.
 */
export function parseOriginList(value: string): { origins: '*' | ReadonlySet<string> } | { problems: string[] } {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 1 && entries[0] === '*') return { origins: '*' };
  const problems: string[] = [];
  for (const entry of entries) {
    if (entry === '*') {
      problems.push('`*` must stand alone, not among other origins');
      continue;
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(entry);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== entry) {
      problems.push(
        `"${entry}" is not an origin: write it as scheme://host[:port], lower case, with no path or trailing slash (e.g. https://app.gasrapido.com.br)`,
      );
    }
  }
  return problems.length > 0 ? { problems } : { origins: new Set(entries) };
}
