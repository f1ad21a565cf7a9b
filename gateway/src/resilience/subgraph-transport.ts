import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent } from 'undici';

/** What the data source knows about the subgraph call in progress, read deep inside @apollo/gateway. */
export interface SubgraphCall {
  /** The call's deadline in epoch milliseconds: one budget for the whole call, retries included. */
  deadline: number;
  /**
   * Whether an identical request already on its way to the subgraph may answer
   * this one too: true only for reads made for a client's query (never a
   * mutation, nor a read after one), see SubgraphDataSource.
   */
  shareable: boolean;
}

/** Set by the data source around each attempt. */
export const subgraphCall = new AsyncLocalStorage<SubgraphCall>();

/** A subgraph's HTTP answer, read whole: the body is text, to be parsed by each caller it answers. */
export interface SubgraphHttpResponse {
  status: number;
  /** The response's `content-type` and `cache-control`, the only headers the gateway reads. */
  contentType: string | undefined;
  cacheControl: string | undefined;
  text: string;
}

export interface SubgraphTransport {
  post(url: URL, headers: Record<string, string>, body: string): Promise<SubgraphHttpResponse>;
  close(): Promise<void>;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

/**
 * All subgraph traffic over one keep-alive connection pool, with undici's
 * request API rather than its WHATWG fetch: no Request, Response or stream
 * objects per call, which on a large supergraph query (a dozen fetches per
 * client request) was a measurable share of the gateway's time. Each request is
 * aborted at its call's deadline, so a hanging subgraph cannot pin the gateway;
 * the pool's own timeouts only back that up.
 */
export function createSubgraphTransport(fallbackTimeoutMs: number, longestTimeoutMs: number): SubgraphTransport {
  const agent = new Agent({
    keepAliveTimeout: 60_000,
    connections: 128,
    headersTimeout: longestTimeoutMs,
    bodyTimeout: longestTimeoutMs,
  });
  return {
    async post(url, headers, body) {
      const deadline = subgraphCall.getStore()?.deadline;
      const timeoutMs = deadline === undefined ? fallbackTimeoutMs : Math.max(1, deadline - Date.now());
      const response = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return {
        status: response.statusCode,
        contentType: single(response.headers['content-type']),
        cacheControl: single(response.headers['cache-control']),
        text: await response.body.text(),
      };
    },
    close: () => agent.close(),
  };
}
