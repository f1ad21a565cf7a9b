import { GraphQLError } from 'graphql';

/** A subgraph that answered with a non-2xx status; the status decides whether it failed. */
export class SubgraphStatusError extends GraphQLError {
  constructor(
    message: string,
    readonly status: number,
    extensions: Record<string, unknown>,
  ) {
    super(message, { extensions });
  }
}

export interface SubgraphFailure {
  kind: 'unreachable' | 'timeout' | 'server-error' | 'broken-response';
  /** Whether sending the same query again may succeed soon (and is worth the wait). */
  retryable: boolean;
}

/** Connection errors after which a retry goes to a fresh connection, often a restarted instance. */
const transportCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
/** Statuses of a proxy or a service that is restarting or overloaded, not of a bug. */
const retryableStatuses = new Set([502, 503, 504]);

/**
 * Whether an error from a subgraph call means the subgraph failed (what the
 * circuit breaker counts) and whether retrying may help. A subgraph that
 * answers 4xx has not failed: it refused this request. A timeout is not
 * retried: the call's time budget, retries included, is already spent.
 */
export function classifySubgraphFailure(error: unknown): SubgraphFailure | undefined {
  if (error instanceof SubgraphStatusError) {
    return error.status >= 500 ? { kind: 'server-error', retryable: retryableStatuses.has(error.status) } : undefined;
  }
  if (error instanceof GraphQLError && error.originalError === undefined) return undefined;
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (current.name === 'TimeoutError' || (typeof code === 'string' && timeoutCodes.has(code)))
      return { kind: 'timeout', retryable: false };
    if (typeof code === 'string' && transportCodes.has(code)) return { kind: 'unreachable', retryable: true };
    current = (current as { cause?: unknown }).cause;
  }
  if (error instanceof TypeError && error.message === 'fetch failed') return { kind: 'unreachable', retryable: true };
  // A body that is not JSON, an aborted stream: the subgraph is broken in a way a retry rarely fixes.
  return { kind: 'broken-response', retryable: false };
}
