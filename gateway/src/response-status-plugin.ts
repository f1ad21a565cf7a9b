import type { ApolloServerPlugin } from '@apollo/server';
import { httpStatusFor, isErrorCode } from '#kit';

/**
 * GraphQL answers 200 even when an operation failed. When nothing useful came
 * back (no data, or every root field null), the gateway answers with the HTTP
 * status of the first error's code, so plain HTTP clients and monitoring see
 * 4xx/5xx. Partial results stay 200.
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
          if (isErrorCode(code)) response.http.status = httpStatusFor(code);
        },
      };
    },
  };
}
