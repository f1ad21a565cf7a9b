import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { GraphQLMediaType, httpStatusFor, type ErrorCode } from '#kit';
import { answeredWith200 } from './media-type-status.js';

/** A request the gateway answers itself, before Apollo Server sees it. */
export interface Refusal {
  code: ErrorCode;
  message: string;
  /** Shown to the client beside the code, e.g. the limit that was exceeded. */
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The refusal as a GraphQL-over-HTTP response of the client's media type, with the status that media type takes (media-type-status.ts). */
export function refusalResponse(refusal: Refusal, mediaType: GraphQLMediaType = GraphQLMediaType.JSON): HTTPGraphQLResponse {
  const headers = new HeaderMap([['content-type', mediaType]]);
  for (const [name, value] of Object.entries(refusal.headers ?? {})) headers.set(name, value);
  const error = { message: refusal.message, extensions: { ...refusal.details, code: refusal.code } };
  return {
    status: answeredWith200(refusal.code, mediaType) ? 200 : httpStatusFor(refusal.code),
    headers,
    body: { kind: 'complete', string: JSON.stringify({ errors: [error] }) },
  };
}

/** The refusal as an error thrown inside Apollo Server's pipeline, which sets its status. */
export function refusalError(refusal: Refusal): GraphQLError {
  const headers = new HeaderMap(Object.entries(refusal.headers ?? {}));
  return new GraphQLError(refusal.message, {
    extensions: { ...refusal.details, code: refusal.code, http: { status: httpStatusFor(refusal.code), headers } },
  });
}
