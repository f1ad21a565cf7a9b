import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, graphQLMediaTypeFor, httpStatusFor, isErrorCode } from '#kit';
import { answeredWith200 } from './protection/media-type-status.js';

/**
 * The HTTP status of an answer with errors, by the media type it is sent as.
 * `application/json` answers are 200 for every GraphQL response, whatever the
 * pipeline set (Apollo Server answers 400 for parse and validation errors),
 * save request-level refusals (media-type-status.ts). For clients that prefer
 * `application/graphql-response+json`, when nothing useful came back (no data,
 * or every root field null), the answer takes the HTTP status of the first
 * error's code, so plain HTTP clients and monitoring see 4xx/5xx; partial
 * results stay 200. A 429 carries `Retry-After`, taken from the error's
 * `extensions.retryAfter` (a subgraph's rate limit).
 */
export function responseStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.body.kind !== 'single') return;
          const { errors, data } = response.body.singleResult;
          if (errors === undefined || errors.length === 0) return;
          const code = errors[0]?.extensions?.['code'];
          if (answeredWith200(code, graphQLMediaTypeFor(request.http?.headers.get('accept')))) {
            response.http.status = 200;
            return;
          }
          const nothingReturned = data === null || data === undefined || Object.values(data).every((value) => value === null);
          if (!nothingReturned || response.http.status !== undefined) return;
          if (!isErrorCode(code)) return;
          response.http.status = httpStatusFor(code);
          const retryAfter = errors[0]?.extensions?.['retryAfter'];
          if (code === ErrorCode.RATE_LIMITED && typeof retryAfter === 'number')
            response.http.headers.set('retry-after', String(retryAfter));
        },
      };
    },
  };
}
