import type { HTTPGraphQLResponse } from '@apollo/server';
import { ErrorCode } from '#kit';

/**
 * Codes of requests that never became a GraphQL operation: the body or method
 * was not a GraphQL request (or failed the CSRF check), the body was too large,
 * or the caller was over its rate limit. Their status stands whatever the media type.
 */
const requestLevelCodes: ReadonlySet<unknown> = new Set([ErrorCode.BAD_REQUEST, ErrorCode.REQUEST_TOO_LARGE, ErrorCode.RATE_LIMITED]);

/**
 * The GraphQL-over-HTTP specification's rule for `application/json` answers:
 * every well-formed GraphQL response is a 200, errors included, because clients
 * of that media type (Apollo Client with a JSON accept header, older clients,
 * mobile SDKs) treat any other status as a network failure and never read the
 * errors. Clients that prefer `application/graphql-response+json` keep the
 * status of the first error's code (response-status-plugin.ts), as do
 * request-level refusals.
 */
export function withLegacyJsonStatus(response: HTTPGraphQLResponse): HTTPGraphQLResponse {
  if (response.status === undefined || response.status === 200) return response;
  if (!(response.headers.get('content-type') ?? '').startsWith('application/json')) return response;
  if (response.body.kind !== 'complete') return response;
  let code: unknown;
  try {
    const body = JSON.parse(response.body.string) as { errors?: Array<{ extensions?: { code?: unknown } }> };
    if (!Array.isArray(body.errors)) return response;
    code = body.errors[0]?.extensions?.code;
  } catch {
    return response;
  }
  if (requestLevelCodes.has(code)) return response;
  return { ...response, status: 200 };
}
