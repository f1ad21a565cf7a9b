import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { request as forward } from 'undici';
import { CORRELATION_HEADER, ErrorCode, sendGraphQLError, type Logger, type Route } from '#kit';

/** Where analytics serves a report's content to the holder of a signed link. */
const REPORT_PATH = '/reports';
const TRANSFER_TIMEOUT_MS = 60_000;
const passedResponseHeaders = ['content-type', 'content-length', 'content-disposition', 'cache-control', 'x-content-type-options'] as const;

/**
 * Report download links point at the gateway, which stays the only public endpoint, and it
 * streams them from analytics, which checks the link's signature and expiry (as
 * document-forwarding.ts does for verification's documents).
 */
export function reportForwardingRoute(analyticsBaseUrl: string, logger: Logger): Route {
  return {
    method: 'GET',
    path: REPORT_PATH,
    async handle(incoming: IncomingMessage, outgoing: ServerResponse, url: URL) {
      const correlationId = incoming.headers[CORRELATION_HEADER];
      try {
        const answer = await forward(`${analyticsBaseUrl}${REPORT_PATH}${url.search}`, {
          method: 'GET',
          headers: typeof correlationId === 'string' ? { [CORRELATION_HEADER]: correlationId } : {},
          headersTimeout: TRANSFER_TIMEOUT_MS,
          bodyTimeout: TRANSFER_TIMEOUT_MS,
        });
        const headers: Record<string, string> = {};
        for (const name of passedResponseHeaders) {
          const value = answer.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        outgoing.writeHead(answer.statusCode, headers);
        await pipeline(answer.body, outgoing);
      } catch (error) {
        logger.warn({ err: error }, 'forwarding to the analytics service failed');
        if (!outgoing.headersSent) sendGraphQLError(outgoing, ErrorCode.SERVICE_UNAVAILABLE, 'The report service did not answer. Retry in a moment.');
        else outgoing.destroy();
      }
    },
  };
}

/** The analytics service's base URL: its SUBGRAPH_ANALYTICS_URL, or the supergraph's, without `/graphql`. */
export function analyticsBaseUrl(supergraphSdl: string, overrides: Readonly<Record<string, string>>): string | undefined {
  const graphqlUrl = overrides['analytics'] ?? /@join__graph\(name: "analytics", url: "([^"]+)"\)/.exec(supergraphSdl)?.[1];
  return graphqlUrl?.replace(/\/graphql\/?$/, '');
}
