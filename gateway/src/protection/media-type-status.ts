import { ErrorCode, GraphQLMediaType } from '#kit';

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
 * errors. Clients that prefer `application/graphql-response+json` get the
 * status of the first error's code, as do request-level refusals.
 */
export function answeredWith200(firstErrorCode: unknown, mediaType: GraphQLMediaType): boolean {
  return mediaType === GraphQLMediaType.JSON && !requestLevelCodes.has(firstErrorCode);
}
