import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * The deadline of the subgraph call in progress, in epoch milliseconds. The
 * data source sets it around each attempt, and the fetcher, called deep inside
 * @apollo/gateway, reads it: one budget for the whole call, retries included.
 */
export const callDeadline = new AsyncLocalStorage<number>();

/**
 * One keep-alive connection pool for all subgraph traffic. Each request is
 * aborted at its call's deadline, so a hanging subgraph cannot pin the
 * gateway; the pool's own timeouts only back that up.
 */
export function createSubgraphFetcher(fallbackTimeoutMs: number, longestTimeoutMs: number): typeof fetch {
  const agent = new Agent({
    keepAliveTimeout: 60_000,
    connections: 128,
    headersTimeout: longestTimeoutMs,
    bodyTimeout: longestTimeoutMs,
  });
  return ((input: string | URL | Request, init?: RequestInit) => {
    const deadline = callDeadline.getStore();
    const timeoutMs = deadline === undefined ? fallbackTimeoutMs : Math.max(1, deadline - Date.now());
    return undiciFetch(input as string, {
      ...(init as object),
      dispatcher: agent,
      signal: AbortSignal.timeout(timeoutMs),
    });
  }) as unknown as typeof fetch;
}
