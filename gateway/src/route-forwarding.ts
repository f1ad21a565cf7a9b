import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request as forward } from 'undici';
import { CORRELATION_HEADER, ErrorCode, sendGraphQLError, type Logger, type Route } from '#kit';
import type { RouteDeclaration } from './declarations/supergraph-declarations.js';

/**
 * The plain HTTP routes subgraphs declare with `@forward` (signed upload and
 * download links, docs/subscriptions.md): the gateway stays the only public
 * endpoint and streams each to its subgraph, which checks the signature, the
 * size and the bytes. Only the declared headers pass either way (and the
 * correlation id, towards the subgraph); bodies are never buffered here.
 */
export function forwardedRoutes(declarations: readonly RouteDeclaration[], baseUrls: ReadonlyMap<string, string>, logger: Logger): Route[] {
  return declarations.flatMap((declaration) => {
    const baseUrl = baseUrls.get(declaration.subgraph);
    if (baseUrl === undefined) return [];
    return [forwardedRoute(declaration, baseUrl, logger)];
  });
}

function forwardedRoute(declaration: RouteDeclaration, baseUrl: string, logger: Logger): Route {
  const { method, path, timeoutMs, streamBody } = declaration;
  const requestHeaders = [...new Set([...declaration.requestHeaders, CORRELATION_HEADER])];
  return {
    method,
    path,
    async handle(incoming: IncomingMessage, outgoing: ServerResponse, url: URL) {
      try {
        const answer = await forward(`${baseUrl}${path}${url.search}`, {
          method,
          headers: picked(incoming.headers, requestHeaders),
          ...(streamBody ? { body: bodyOf(incoming) } : {}),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        outgoing.writeHead(answer.statusCode, picked(answer.headers, declaration.responseHeaders));
        await pipeline(answer.body, outgoing);
      } catch (error) {
        logger.warn({ err: error, path, subgraph: declaration.subgraph }, 'forwarding to a subgraph failed');
        if (!outgoing.headersSent)
          sendGraphQLError(outgoing, ErrorCode.SERVICE_UNAVAILABLE, 'The service behind this link did not answer. Retry in a moment.');
        else outgoing.destroy();
      }
    },
  };
}

function picked(headers: Readonly<Record<string, string | string[] | undefined>>, names: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
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

/** Each subgraph's base URL (without `/graphql`): its SUBGRAPH_<NAME>_URL override, or its supergraph routing URL. */
export function subgraphBaseUrls(
  supergraphUrls: ReadonlyMap<string, string>,
  overrides: Readonly<Record<string, string>>,
): Map<string, string> {
  return new Map([...supergraphUrls].map(([name, url]) => [name, (overrides[name] ?? url).replace(/\/graphql\/?$/, '')]));
}
