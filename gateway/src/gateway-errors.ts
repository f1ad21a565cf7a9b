import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, formatClientError, isErrorCode } from '#kit';

/**
 * The gateway's view of the closed error set: a subgraph that cannot be
 * reached becomes SERVICE_UNAVAILABLE, and the internal service name is not
 * shown to clients.
 */
export function formatGatewayError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { serviceName: _serviceName, ...extensions } = formatted.extensions ?? {};
  const code = extensions['code'];
  if (!isErrorCode(code) && isUnreachableSubgraph(error)) {
    return {
      message: 'A service needed for this field is unavailable. Retry shortly; other fields were still answered.',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
    };
  }
  return formatClientError({ ...formatted, extensions });
}

function isUnreachableSubgraph(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const text = `${current.name} ${current.message}`;
    if (/fetch failed|ECONNREFUSED|ECONNRESET|timeout|aborted|socket hang up|UND_ERR/i.test(text)) return true;
    current = (current as { originalError?: unknown; cause?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}
