import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from './gateway-context.js';
import { formatGatewayError } from './gateway-errors.js';

/**
 * For the stock executor (GATEWAY_EXECUTOR=stock): @apollo/gateway reports a
 * value a subgraph returned against its schema (a null in a non-null field,
 * which nulls its parent) only in `extensions.valueCompletion`, which clients
 * do not read, so a response could be `{"data": null}` with no error at all.
 * This moves those reports into `errors`, formatted like every other error,
 * and logs them. The gateway's own executor reports them in `errors` already.
 */
export function completionErrorsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const { valueCompletion, ...otherExtensions } = result.extensions ?? {};
          if (!Array.isArray(valueCompletion) || valueCompletion.length === 0) return;
          const moved = valueCompletion.map((error: unknown): GraphQLFormattedError =>
            formatGatewayError(error instanceof GraphQLError ? error.toJSON() : (error as GraphQLFormattedError)),
          );
          contextValue.logger.error(
            {
              completionErrors: valueCompletion.map((error: { message?: string; path?: unknown }) => ({
                message: error.message,
                path: error.path,
              })),
            },
            'a subgraph returned values against its schema',
          );
          result.errors = [...(result.errors ?? []), ...moved];
          if (Object.keys(otherExtensions).length > 0) result.extensions = otherExtensions;
          else delete result.extensions;
        },
      };
    },
  };
}
