import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, Kind } from 'graphql';
import {
  CLIENT_ADDRESS_HEADER,
  CORRELATION_HEADER,
  ErrorCode,
  GATEWAY_CREDENTIAL_HEADER,
  isErrorCode,
  type Logger,
  type ServiceMetrics,
} from '#kit';
import type { GatewayContext } from './gateway-context.js';
import { recordSharedSubgraphFetch } from './observability/index.js';
import type { RateLimiter } from './protection/index.js';
import {
  classifySubgraphFailure,
  failedFetch,
  InFlightRequests,
  retryDelayMs,
  subgraphCall,
  SubgraphStatusError,
  type CircuitBreaker,
  type RetryPolicy,
  type SubgraphHttpResponse,
  type SubgraphResponse,
  type SubgraphTransport,
} from './resilience/index.js';

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  gatewaySecret: string;
  /** The budget of one call to this subgraph, retries and their waits included. */
  timeoutMs: number;
  retry: RetryPolicy;
  breaker: CircuitBreaker;
  rateLimiter: RateLimiter | undefined;
  /** This subgraph's measured transport (measureSubgraphTransport). */
  transport: SubgraphTransport;
  metrics: ServiceMetrics;
  /** Whether identical reads in flight for the same caller share one request (GATEWAY_DEDUPLICATE_FETCHES). */
  deduplicate: boolean;
  logger: Logger;
}

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
/** A fetch made for a client's operation, as opposed to health checks and schema loading. */
type OperationFetch = Extract<ProcessOptions, { incomingRequestContext: unknown }>;

// @apollo/gateway does not export its request-kind enum; the variant's own field tells them apart.
const isOperationFetch = (options: ProcessOptions): options is OperationFetch => 'incomingRequestContext' in options;

const unavailableMessage = 'A service needed for this field is unavailable. Retry shortly; other fields were still answered.';

/**
 * One subgraph as the gateway calls it. Sends only what the subgraph needs:
 * the caller's token, to verify again, the correlation id, and the gateway's
 * credential; no client header is passed through, so a client cannot forge
 * identity or gateway headers. Around each call: the subgraph's rate limit,
 * its circuit breaker, a deadline, and retries with backoff for queries.
 * A call that fails answers with errors on the fields it was to fill, so the
 * rest of the response keeps its data.
 *
 * Reads made for a client's query that are byte-identical, to the same
 * subgraph, with the same token, share one request while it is in flight
 * (many clients asking for the same page at once cost the subgraph one call).
 * Different tokens never share: each identity's answer is its own.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly options: SubgraphDataSourceOptions;

  private readonly target: URL;
  private readonly inFlight = new InFlightRequests<SubgraphHttpResponse>();

  constructor(options: SubgraphDataSourceOptions) {
    // @apollo/gateway types its fetcher after node-fetch; it reads only what SubgraphFetchResponse has.
    const target = new URL(options.url);
    super({ url: options.url, fetcher: subgraphFetcher(options, target) as never });
    this.options = options;
    this.target = target;
  }

  override async process(options: ProcessOptions): Promise<SubgraphResponse> {
    if (!isOperationFetch(options)) return super.process(options);
    const { name, breaker, retry, logger } = this.options;
    const limited = await this.options.rateLimiter?.admitSubgraph(name);
    if (limited !== undefined) {
      return failedFetch(options.request, {
        code: ErrorCode.RATE_LIMITED,
        message: `A service needed for this field is receiving too many requests. Retry after ${limited.retryAfterSeconds} s.`,
        extensions: { retryAfter: limited.retryAfterSeconds },
      });
    }
    const deadline = Date.now() + this.options.timeoutMs;
    const idempotent = isQuery(options);
    for (let attempt = 1; ; attempt += 1) {
      const permit = breaker.tryAcquire();
      if (permit === undefined) {
        if (attempt === 1) logger.debug({ subgraph: name }, 'circuit open: failing fast');
        return failedFetch(options.request, { code: ErrorCode.SERVICE_UNAVAILABLE, message: unavailableMessage });
      }
      try {
        const response = await subgraphCall.run({ deadline, shareable: this.options.deduplicate && idempotent }, () =>
          this.sendOperation(options),
        );
        permit.success();
        return response;
      } catch (error) {
        const failure = classifySubgraphFailure(error);
        if (failure === undefined) {
          // The subgraph answered, refusing this request (4xx): it is healthy.
          permit.success();
          throw error;
        }
        permit.failure();
        const wait = retryDelayMs(attempt, retry);
        if (!idempotent || !failure.retryable || attempt > retry.retries || Date.now() + wait >= deadline) {
          logger.warn({ subgraph: name, failure: failure.kind, attempts: attempt, err: error }, 'subgraph call failed');
          return failedFetch(options.request, { code: ErrorCode.SERVICE_UNAVAILABLE, message: unavailableMessage });
        }
        logger.debug({ subgraph: name, failure: failure.kind, attempt, waitMs: wait }, 'retrying subgraph call');
        await sleep(wait);
      }
    }
  }

  /**
   * One call for a client's operation, without RemoteGraphQLDataSource's
   * fetch-API objects (a `Request`, `Headers` and a response wrapper per call):
   * the same body, headers, status handling and cache-control hints, sent
   * straight through the transport.
   */
  private async sendOperation({ request, context, incomingRequestContext }: OperationFetch): Promise<SubgraphResponse> {
    if (!request.query) throw new Error('Missing query');
    const headers = { 'content-type': 'application/json', ...this.forwardedHeaders(context) };
    const body = serialisedRequest(request);
    const answer = await this.post(headers, body);
    if (answer.status < 200 || answer.status >= 300)
      throw await this.errorFromResponse({ status: answer.status, text: async () => answer.text });
    const contentType = answer.contentType ?? '';
    const parsed: unknown =
      contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json')
        ? parsedAnswer(answer.text)
        : answer.text;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    }
    const policy = incomingRequestContext.overallCachePolicy;
    if (this.honorSubgraphCacheControlHeader && policy && 'restrict' in policy) policy.restrict(cacheHint(answer.cacheControl));
    return parsed as SubgraphResponse;
  }

  /** Sends a body to the subgraph; identical reads in flight share one request when the call allows it. */
  private readonly post = (headers: Record<string, string>, body: string): Promise<SubgraphHttpResponse> => {
    const { transport } = this.options;
    if (subgraphCall.getStore()?.shareable !== true) return transport.post(this.target, headers, body);
    const answer = this.inFlight.run(`${headers['authorization'] ?? ''}\n${body}`, () => transport.post(this.target, headers, body));
    if (this.inFlight.joined > 0) {
      recordSharedSubgraphFetch(this.options.metrics, this.options.name, this.inFlight.joined);
      this.inFlight.joined = 0;
    }
    return answer;
  };

  /** What the gateway tells a subgraph about the caller; nothing the client sent is passed through. */
  private forwardedHeaders(context: ProcessOptions['context']): Record<string, string> {
    const headers: Record<string, string> = { [GATEWAY_CREDENTIAL_HEADER]: this.options.gatewaySecret };
    if ('correlationId' in context && typeof context.correlationId === 'string') headers[CORRELATION_HEADER] = context.correlationId;
    if ('clientAddress' in context && typeof context.clientAddress === 'string') headers[CLIENT_ADDRESS_HEADER] = context.clientAddress;
    if ('accessToken' in context && typeof context.accessToken === 'string') headers['authorization'] = `Bearer ${context.accessToken}`;
    return headers;
  }

  /** Calls other than a client's operation (health checks) go through RemoteGraphQLDataSource and get the same headers. */
  override willSendRequest({ request, context }: ProcessOptions): void {
    const headers = request.http?.headers;
    if (headers === undefined) return;
    for (const [name, value] of Object.entries(this.forwardedHeaders(context))) headers.set(name, value);
  }

  /**
   * A subgraph answered with a non-2xx status: it refused the request before
   * executing it. Keep its first error's code and message when it sent one
   * from the closed set, and never pass its raw response on to the client.
   */
  override async errorFromResponse(response: { status: number; text(): Promise<string> }): Promise<GraphQLError> {
    let first: { message?: unknown; extensions?: { code?: unknown } } | undefined;
    try {
      first = (JSON.parse(await response.text()) as { errors?: Array<typeof first> }).errors?.[0];
    } catch {
      first = undefined;
    }
    const code = first?.extensions?.code;
    if (isErrorCode(code) && typeof first?.message === 'string') {
      return new SubgraphStatusError(first.message, response.status, { code });
    }
    return new SubgraphStatusError(`A service needed for this request failed with HTTP ${response.status}.`, response.status, {
      code: response.status >= 500 ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.INTERNAL_SERVER_ERROR,
    });
  }
}

/** What RemoteGraphQLDataSource reads of a fetch response; `json()` parses anew for each reader. */
interface SubgraphFetchResponse {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/**
 * The fetcher RemoteGraphQLDataSource uses for calls other than a client's
 * operation (those go through `sendOperation`): the transport, wrapped in the
 * part of a fetch response the data source reads.
 */
function subgraphFetcher(options: SubgraphDataSourceOptions, target: URL) {
  return async (_url: string, init: { headers: Record<string, string>; body: string }): Promise<SubgraphFetchResponse> => {
    const answer = await options.transport.post(target, init.headers, init.body);
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      statusText: '',
      url: options.url,
      headers: {
        get: (name) => {
          const lower = name.toLowerCase();
          return (lower === 'content-type' ? answer.contentType : lower === 'cache-control' ? answer.cacheControl : undefined) ?? null;
        },
      },
      text: async () => answer.text,
      json: async () => JSON.parse(answer.text) as unknown,
    };
  };
}

// Named, so that profiles tell the two apart from the rest of a call.
function serialisedRequest(request: OperationFetch['request']): string {
  return JSON.stringify({
    query: request.query,
    variables: request.variables,
    operationName: request.operationName,
    extensions: request.extensions,
  });
}

function parsedAnswer(text: string): unknown {
  return JSON.parse(text);
}

/** The cache hint a subgraph's Cache-Control header gives (as RemoteGraphQLDataSource reads it). */
function cacheHint(header: string | undefined): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  if (!header) return hint;
  const directives = new Map<string, string | true>();
  for (const part of header.trim().split(/\s*,\s*/)) {
    const [directive, value] = part.split(/\s*=\s*/, 2);
    directives.set(directive!, value === undefined ? true : value.replace(/^"|"$/g, ''));
  }
  const maxAge = directives.get('max-age');
  if (typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge)) hint.maxAge = Number(maxAge);
  if (directives.get('private') === true) hint.scope = 'PRIVATE';
  if (directives.get('public') === true) hint.scope = 'PUBLIC';
  return hint;
}

/**
 * Only reads are retried (and shared): the client's operation and this fetch must both be
 * queries. A mutation might have been applied before its response was lost.
 */
function isQuery(options: OperationFetch): boolean {
  if (options.incomingRequestContext.operation?.operation !== 'query') return false;
  const fetchOperation = options.document?.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (fetchOperation?.kind === Kind.OPERATION_DEFINITION) return fetchOperation.operation === 'query';
  return /^\s*(query\b|\{)/.test(options.request.query ?? '');
}
