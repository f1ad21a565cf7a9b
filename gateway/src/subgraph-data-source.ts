import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent, fetch as undiciFetch } from 'undici';
import { CORRELATION_HEADER, GATEWAY_CREDENTIAL_HEADER } from '#kit';
import type { GatewayContext } from './gateway-context.js';

export interface SubgraphConnectionSettings {
  gatewaySecret: string;
  timeoutMs: number;
}

/**
 * One keep-alive connection pool for all subgraph traffic. Requests that take
 * longer than the timeout are aborted so a hanging subgraph cannot pin the gateway.
 */
export function subgraphFetcher(timeoutMs: number): typeof fetch {
  const agent = new Agent({
    keepAliveTimeout: 60_000,
    connections: 128,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as string, {
      ...(init as object),
      dispatcher: agent,
      signal: AbortSignal.timeout(timeoutMs),
    })) as unknown as typeof fetch;
}

/**
 * Sends to a subgraph only what it needs: the caller's token, to verify again,
 * the correlation id, and the gateway's credential. No client header is passed
 * through, so a client cannot forge identity or gateway headers.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, private readonly settings: SubgraphConnectionSettings, fetcher: typeof fetch) {
    // @apollo/gateway types its fetcher after node-fetch; undici's fetch is call-compatible.
    super({ url, fetcher: fetcher as never });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (headers === undefined) return;
    headers.set(GATEWAY_CREDENTIAL_HEADER, this.settings.gatewaySecret);
    if ('correlationId' in context && typeof context.correlationId === 'string') {
      headers.set(CORRELATION_HEADER, context.correlationId);
    }
    if ('accessToken' in context && typeof context.accessToken === 'string') {
      headers.set('authorization', `Bearer ${context.accessToken}`);
    }
  }
}
