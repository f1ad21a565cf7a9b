import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, isErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';

/** Codes Apollo Server itself produces, mapped onto GasRápido's closed set. */
const apolloCodeMapping: Readonly<Record<string, ErrorCode>> = {
  OPERATION_RESOLUTION_FAILURE: ErrorCode.BAD_REQUEST,
  PERSISTED_QUERY_NOT_SUPPORTED: ErrorCode.BAD_REQUEST,
};

export const UNEXPECTED_ERROR_MESSAGE = 'Unexpected error. The x-correlation-id response header identifies this request in our logs.';

/**
 * Keeps every error a client sees inside the closed set of codes. Errors
 * nobody anticipated (a database failure, a bug) are masked: their message
 * may hold internals, so the client gets a generic message and the logs get
 * the original.
 */
export function formatClientError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  // Transport details (a subgraph's raw response, stack traces) never reach clients.
  const { stacktrace: _stacktrace, exception: _exception, http: _http, response: _response, ...extensions } = formatted.extensions ?? {};
  if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return { ...formatted, extensions: { ...extensions, code } };
  }
  const mapped = typeof code === 'string' ? apolloCodeMapping[code] : undefined;
  if (mapped !== undefined) return { ...formatted, extensions: { ...extensions, code: mapped } };
  return {
    message: UNEXPECTED_ERROR_MESSAGE,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

interface LoggingContext extends BaseContext {
  logger?: Logger;
  correlationId?: string;
}

/** Logs the errors that formatClientError will mask, with the request's correlation id. */
export function unexpectedErrorLoggingPlugin(fallbackLogger: Logger): ApolloServerPlugin<LoggingContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          const logger = contextValue.logger ?? fallbackLogger;
          for (const error of errors) {
            const code = error.extensions['code'];
            if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
            if (typeof code === 'string' && (code.startsWith('GRAPHQL_') || code in apolloCodeMapping)) continue;
            logger.error(
              { err: error.originalError ?? error, path: error.path, operationName, correlationId: contextValue.correlationId },
              'unexpected error',
            );
          }
        },
      };
    },
  };
}
