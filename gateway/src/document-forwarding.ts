import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request as forward } from 'undici';
import { CORRELATION_HEADER, ErrorCode, sendGraphQLError, type Logger, type Route } from '#kit';

/** The verification service's plain HTTP routes that clients reach through the gateway. */
const forwardedRoutes: ReadonlyArray<Pick<Route, 'method' | 'path'>> = [
  // A client sends a document's bytes to the signed URL requestDocumentUpload returned.
  { method: 'PUT', path: '/uploads' },
  // A reviewer (or the owner) opens a document through a signed, short-lived link.
  { method: 'GET', path: '/documents' },
];

/** Request headers that describe the body or the caller; nothing else reaches the service. */
const passedRequestHeaders = ['content-type', 'content-length', CORRELATION_HEADER] as const;
/** Long enough for a 10 MiB document from a phone on a slow connection. */
const TRANSFER_TIMEOUT_MS = 120_000;

const passedResponseHeaders = ['content-type', 'content-length', 'content-disposition', 'cache-control', 'retry-after'] as const;

/**
 * The gateway stays the only public endpoint: upload and download URLs point
 * at it, and it streams them to the verification service, which checks the
 * signature, the size and the bytes. The body is never buffered here.
 */
export function documentForwardingRoutes(verificationBaseUrl: string, logger: Logger): Route[] {
  return forwardedRoutes.map(({ method, path }) => ({
    method,
    path,
    async handle(incoming: IncomingMessage, outgoing: ServerResponse, url: URL) {
      const headers: Record<string, string> = {};
      for (const name of passedRequestHeaders) {
        const value = incoming.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      try {
        const answer = await forward(`${verificationBaseUrl}${path}${url.search}`, {
          method,
          headers,
          ...(method === 'PUT' ? { body: bodyOf(incoming) } : {}),
          headersTimeout: TRANSFER_TIMEOUT_MS,
          bodyTimeout: TRANSFER_TIMEOUT_MS,
        });
        const responseHeaders: Record<string, string> = {};
        for (const name of passedResponseHeaders) {
          const value = answer.headers[name];
          if (typeof value === 'string') responseHeaders[name] = value;
        }
        outgoing.writeHead(answer.statusCode, responseHeaders);
        await pipeline(answer.body, outgoing);
      } catch (error) {
        logger.warn({ err: error, path }, 'forwarding to the verification service failed');
        if (!outgoing.headersSent) {
          sendGraphQLError(outgoing, ErrorCode.SERVICE_UNAVAILABLE, 'The document service did not answer. Retry in a moment.');
        } else {
          outgoing.destroy();
        }
      }
    },
  }));
}

/**
 * The client's body as a stream undici may destroy without destroying the
 * client's request. When the service answers before the body is complete (a
 * 413), undici destroys the body it was sending; destroying the request itself
 * would reset the client's connection before the gateway relayed the answer.
 * What the client still sends is then the kit's to discard (unread-body.ts).
 */
function bodyOf(incoming: IncomingMessage): Readable {
  const body = new PassThrough();
  // pipe() unpipes, and never destroys the source, when the destination closes or fails.
  incoming.pipe(body);
  incoming.once('close', () => {
    if (!incoming.complete) body.destroy(new Error('The client went away before the whole body arrived.'));
  });
  return body;
}

/** The verification service's base URL: its SUBGRAPH_VERIFICATION_URL, or the supergraph's, without `/graphql`. */
export function verificationBaseUrl(supergraphSdl: string, overrides: Readonly<Record<string, string>>): string | undefined {
  const graphqlUrl = overrides['verification'] ?? /@join__graph\(name: "verification", url: "([^"]+)"\)/.exec(supergraphSdl)?.[1];
  return graphqlUrl?.replace(/\/graphql\/?$/, '');
}
