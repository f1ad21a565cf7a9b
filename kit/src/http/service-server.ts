import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { context, trace } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { ErrorCode, httpStatusFor, invalidInput, isErrorCode } from '../errors.js';
import { controlCharacterProblemsInQuery } from '../graphql/control-characters.js';
import { CORRELATION_HEADER, correlationIdFrom } from '../correlation.js';
import type { Logger } from '../logger.js';
import { httpMetrics, methodLabel } from '../observability/http-metrics.js';
import { CORRELATION_ATTRIBUTE, startRequestSpan } from '../observability/request-span.js';
import { createServiceTelemetry, type ServiceTelemetry } from '../observability/telemetry.js';
import { BodyTooLargeError, readBody } from './body.js';
import { addCrossOriginHeaders, answerPreflight, isPreflight, type CrossOriginPolicy } from './cross-origin.js';
import { graphQLMediaTypeFor } from './graphql-media-type.js';
import { sendGraphQLError, sendJson } from './json-response.js';
import { defaultUnreadBodyLimits, discardUnreadBody, type UnreadBodyLimits } from './unread-body.js';

/** A plain HTTP route served beside GraphQL (JWKS, uploads). */
export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): void | Promise<void>;
}

export interface GraphQLEndpoint<Context extends BaseContext> {
  server: ApolloServer<Context>;
  paths: readonly string[];
  /**
   * Runs before the body is read. Throwing a GraphQLError with a code from
   * ErrorCode refuses the request with that code's status.
   */
  admit?(request: IncomingMessage): void;
  /** Builds the request's context; a GraphQLError with a known code refuses the request the same way. */
  context(request: IncomingMessage, correlationId: string): Promise<Context>;
}

/**
 * A dependency whose health decides readiness; resolves when healthy (an object it resolves to is
 * shown as `detail`, e.g. consumer lag), rejects with the reason otherwise.
 */
export type ReadinessCheck = () => Promise<unknown>;

export interface HttpServiceOptions<Context extends BaseContext> {
  name: string;
  logger: Logger;
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxBodyBytes: number;
  graphql: GraphQLEndpoint<Context>;
  routes?: readonly Route[];
  readiness: Readonly<Record<string, ReadinessCheck>>;
  /** How long stop() waits for in-flight requests before cutting connections. */
  shutdownGraceMs?: number;
  /** Runs after HTTP has drained, in order, e.g. to disconnect the database. */
  onStop?: ReadonlyArray<() => Promise<void>>;
  /** The service's metrics registry (served at `/metrics`) and trace identity; a new one by default. */
  telemetry?: ServiceTelemetry;
  /** What is still read of a body answered before it arrived (a 413, a refused upload); see unread-body.ts. */
  unreadBodyLimits?: UnreadBodyLimits;
  /**
   * Lets web pages of other origins call GraphQL and the routes (cross-origin.ts);
   * preflights are answered before anything else looks at the request. Absent: no CORS.
   */
  crossOrigin?: CrossOriginPolicy;
}

export interface RunningService {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly httpServer: Server;
  readonly telemetry: ServiceTelemetry;
  stop(): Promise<void>;
}

const readinessTimeoutMs = 2_000;
/** Probed every few seconds: measured, but not traced. */
const probePaths = new Set(['/health', '/ready', '/metrics']);

/**
 * Starts one service's HTTP server: GraphQL on the given paths, `/health`
 * (liveness), `/ready` (readiness from the given checks), `/metrics`
 * (Prometheus) and extra routes. Every request is measured
 * (gasrapido_http_*) and, apart from the probes, traced as a server span.
 * Apollo Server must already be started.
 */
export async function startHttpService<Context extends BaseContext>(options: HttpServiceOptions<Context>): Promise<RunningService> {
  const { logger, graphql } = options;
  const routes = new Map<string, Route>();
  for (const route of options.routes ?? []) routes.set(`${route.method} ${route.path}`, route);
  const graphqlPaths = new Set(graphql.paths);
  const telemetry = options.telemetry ?? createServiceTelemetry(options.name);
  const measured = telemetry.metrics.group(httpMetrics);
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;
  const unreadBodyLimits = options.unreadBodyLimits ?? defaultUnreadBodyLimits;

  async function handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const correlationId = correlationIdFrom(request.headers[CORRELATION_HEADER]);
    response.setHeader(CORRELATION_HEADER, correlationId);
    trace.getActiveSpan()?.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
    if (draining) response.setHeader('connection', 'close');

    const { crossOrigin } = options;
    if (crossOrigin !== undefined && !probePaths.has(url.pathname)) {
      if (isPreflight(request)) {
        const methods = methodsServedAt(url.pathname);
        if (methods.length > 0) {
          // Before the CSRF check and the rate limits: a preflight carries no operation and no token.
          answerPreflight(crossOrigin, request, response, methods);
          return;
        }
      } else {
        addCrossOriginHeaders(crossOrigin, request, response);
      }
    }

    if (url.pathname === '/health' && request.method === 'GET') {
      sendJson(response, 200, { status: 'ok', service: options.name });
      return;
    }
    if (url.pathname === '/ready' && request.method === 'GET') {
      const report = await checkReadiness(options.readiness);
      sendJson(response, report.ready && !draining ? 200 : 503, { service: options.name, ...report, draining });
      return;
    }
    if (url.pathname === '/metrics' && request.method === 'GET') {
      const body = await telemetry.metrics.render();
      response.writeHead(200, { 'content-type': telemetry.metrics.contentType });
      response.end(body);
      return;
    }
    const route = routes.get(`${request.method ?? ''} ${url.pathname}`);
    if (route !== undefined) {
      const problems = controlCharacterProblemsInQuery(url);
      if (problems.length > 0) {
        refuse(response, invalidInput(problems));
        return;
      }
      await route.handle(request, response, url);
      return;
    }
    if (graphqlPaths.has(url.pathname)) {
      await handleGraphQL(request, response, url, correlationId);
      return;
    }
    sendJson(response, 404, { error: 'not found', path: url.pathname });
  }

  /** The methods a path answers, for a preflight; none for a path nothing serves. */
  function methodsServedAt(pathname: string): string[] {
    if (graphqlPaths.has(pathname)) return ['GET', 'POST'];
    return [...routes.values()].filter((route) => route.path === pathname).map((route) => route.method);
  }

  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL, correlationId: string): Promise<void> {
    // Answers made before Apollo Server sees the request use the media type it would have chosen.
    const errorHeaders = { 'content-type': graphQLMediaTypeFor(request.headers.accept) };
    try {
      graphql.admit?.(request);
    } catch (error) {
      refuse(response, error, errorHeaders);
      return;
    }
    let body: unknown;
    if (request.method === 'POST') {
      let text: string;
      try {
        text = await readBody(request, options.maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          sendGraphQLError(response, ErrorCode.REQUEST_TOO_LARGE, error.message, errorHeaders);
          return;
        }
        throw error;
      }
      const contentType = request.headers['content-type'] ?? '';
      if (contentType.includes('json')) {
        try {
          body = text.length === 0 ? undefined : JSON.parse(text);
        } catch {
          sendGraphQLError(response, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.', errorHeaders);
          return;
        }
      } else {
        body = text;
      }
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    // Built before execution so that a refusal (an invalid token) is answered
    // with its own code and status, not as Apollo's "Context creation failed".
    let contextValue: Context;
    try {
      contextValue = await graphql.context(request, correlationId);
    } catch (error) {
      refuse(response, error, errorHeaders);
      return;
    }
    const result = await graphql.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: async () => contextValue,
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  /** The path as a metric label: known paths only, so a scan of random URLs adds no series. */
  function routeOf(pathname: string): string {
    if (graphqlPaths.has(pathname) || probePaths.has(pathname)) return pathname;
    for (const route of routes.values()) if (route.path === pathname) return pathname;
    return 'unmatched';
  }

  const httpServer = createServer((request, response) => {
    inFlight += 1;
    measured.inFlight.inc();
    const startedAt = performance.now();
    const url = requestUrl(request.url);
    const route = routeOf(url.pathname);
    const span = probePaths.has(url.pathname) ? undefined : startRequestSpan(options.name, request, route, url.pathname);
    const onClose = () => {
      if (response.writableFinished) discardUnreadBody(request, unreadBodyLimits);
      inFlight -= 1;
      measured.inFlight.dec();
      measured.duration.observe(
        { method: methodLabel(request.method), route, status: String(response.statusCode) },
        (performance.now() - startedAt) / 1000,
      );
      span?.end(response.statusCode);
      if (span !== undefined) {
        logger.debug(
          {
            correlationId: response.getHeader(CORRELATION_HEADER),
            method: request.method,
            // Never the query string: a GET request can carry an operation's variables there.
            path: url.pathname,
            status: response.statusCode,
            durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
          },
          'request',
        );
      }
      if (draining && inFlight === 0) drained?.();
    };
    // Bound to the request's span, so the closing log line carries its trace id.
    response.on('close', span === undefined ? onClose : context.bind(span.context, onClose));
    const handled = span === undefined ? handle(request, response, url) : context.with(span.context, () => handle(request, response, url));
    handled.catch((error: unknown) => {
      logger.error({ err: error, path: url.pathname }, 'request failed');
      if (!response.headersSent) {
        sendGraphQLError(
          response,
          ErrorCode.INTERNAL_SERVER_ERROR,
          'Unexpected error. Quote the x-correlation-id header when reporting it.',
        );
      } else {
        response.destroy();
      }
    });
  });
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  logger.info({ url }, `${options.name} listening`);

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    draining = true;
    const allDone = new Promise<void>((resolve) => {
      drained = resolve;
      if (inFlight === 0) resolve();
    });
    const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections();
    const grace = options.shutdownGraceMs ?? 10_000;
    const timer = setTimeout(() => httpServer.closeAllConnections(), grace);
    await allDone;
    httpServer.closeAllConnections();
    await closed;
    clearTimeout(timer);
    await graphql.server.stop();
    for (const hook of options.onStop ?? []) await hook();
    logger.info(`${options.name} stopped`);
  }

  return {
    name: options.name,
    url,
    port,
    httpServer,
    telemetry,
    stop: () => (stopping ??= stop()),
  };
}

/** The request target as a URL; one that cannot be parsed becomes a path no route matches (a 404). */
function requestUrl(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://service.internal');
  } catch {
    return new URL('/invalid-request-target', 'http://service.internal');
  }
}

function refuse(response: ServerResponse, error: unknown, headers: Record<string, string> = {}): void {
  if (error instanceof GraphQLError && isErrorCode(error.extensions['code'])) {
    const code = error.extensions['code'];
    // What the refusal tells the client beyond its code (a revoked token's reason) goes along; the status does not.
    const { http: _http, ...extensions } = error.extensions;
    sendJson(response, httpStatusFor(code), { errors: [{ message: error.message, extensions: { ...extensions, code } }] }, headers);
    return;
  }
  throw error;
}

async function checkReadiness(
  checks: Readonly<Record<string, ReadinessCheck>>,
): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; error?: string; detail?: unknown }> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        const detail = await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), readinessTimeoutMs).unref()),
        ]);
        return [name, typeof detail === 'object' && detail !== null ? { ok: true, detail } : { ok: true }] as const;
      } catch (error) {
        return [name, { ok: false, error: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  return { ready: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
}
