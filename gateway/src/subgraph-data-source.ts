import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, Kind } from 'graphql';
import { CLIENT_ADDRESS_HEADER, CORRELATION_HEADER, ErrorCode, GATEWAY_CREDENTIAL_HEADER, isErrorCode, type Logger } from '#kit';
import type { GatewayContext } from './gateway-context.js';
import type { RateLimiter } from './protection/index.js';
import { callDeadline, classifySubgraphFailure, failedFetch, retryDelayMs, SubgraphStatusError, type CircuitBreaker, type RetryPolicy, type SubgraphResponse } from './resilience/index.js';

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  gatewaySecret: string;
  /** The budget of one call to this subgraph, retries and their waits included. */
  timeoutMs: number;
  retry: RetryPolicy;
  breaker: CircuitBreaker;
  rateLimiter: RateLimiter | undefined;
  fetcher: typeof fetch;
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
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly options: SubgraphDataSourceOptions;

  constructor(options: SubgraphDataSourceOptions) {
    // @apollo/gateway types its fetcher after node-fetch; undici's fetch is call-compatible.
    super({ url: options.url, fetcher: options.fetcher as never });
    this.options = options;
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
        const response = await callDeadline.run(deadline, () => super.process(options));
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

  override willSendRequest({ request, context }: ProcessOptions): void {
    const headers = request.http?.headers;
    if (headers === undefined) return;
    headers.set(GATEWAY_CREDENTIAL_HEADER, this.options.gatewaySecret);
    if ('correlationId' in context && typeof context.correlationId === 'string') {
      headers.set(CORRELATION_HEADER, context.correlationId);
    }
    if ('clientAddress' in context && typeof context.clientAddress === 'string') {
      headers.set(CLIENT_ADDRESS_HEADER, context.clientAddress);
    }
    if ('accessToken' in context && typeof context.accessToken === 'string') {
      headers.set('authorization', `Bearer ${context.accessToken}`);
    }
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

/**
 * Only reads are retried: the client's operation and this fetch must both be
 * queries. A mutation might have been applied before its response was lost.
 */
function isQuery(options: OperationFetch): boolean {
  if (options.incomingRequestContext.operation?.operation !== 'query') return false;
  const fetchOperation = options.document?.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (fetchOperation?.kind === Kind.OPERATION_DEFINITION) return fetchOperation.operation === 'query';
  return /^\s*(query\b|\{)/.test(options.request.query ?? '');
}
