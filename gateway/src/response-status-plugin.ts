import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, httpStatusFor, isErrorCode } from '#kit';

/**
 * GraphQL answers 200 even when an operation failed. When nothing useful came
 * back (no data, or every root field null), the gateway answers with the HTTP
 * status of the first error's code, so plain HTTP clients and monitoring see
 * 4xx/5xx. Partial results stay 200. A 429 carries `Retry-After`, taken from
 * the error's `extensions.retryAfter` (a subgraph's rate limit).
 */
export function responseStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { errors, data } = response.body.singleResult;
          if (errors === undefined || errors.length === 0) return;
          const nothingReturned = data === null || data === undefined || Object.values(data).every((value) => value === null);
          if (!nothingReturned || response.http.status !== undefined) return;
          const code = errors[0]?.extensions?.['code'];
          if (!isErrorCode(code)) return;
          response.http.status = httpStatusFor(code);
          const retryAfter = errors[0]?.extensions?.['retryAfter'];
          if (code === ErrorCode.RATE_LIMITED && typeof retryAfter === 'number') response.http.headers.set('retry-after', String(retryAfter));
        },
      };
    },
  };
}
