import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent, fetch as undiciFetch } from 'undici';
import { GraphQLError } from 'graphql';
import { CORRELATION_HEADER, ErrorCode, GATEWAY_CREDENTIAL_HEADER, isErrorCode } from '#kit';
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
      return new GraphQLError(first.message, { extensions: { code } });
    }
    return new GraphQLError(`A service needed for this request failed with HTTP ${response.status}.`, {
      extensions: { code: response.status >= 500 ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.INTERNAL_SERVER_ERROR },
    });
  }
}
