import type { GraphQLFormattedError } from 'graphql';
import { formatClientError } from '#kit';

/**
 * The gateway's view of the closed error set. Failed subgraph calls already
 * carry SERVICE_UNAVAILABLE (or RATE_LIMITED) from the subgraph data source;
 * here the internal service name is kept from clients.
 */
export function formatGatewayError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const { serviceName: _serviceName, ...extensions } = formatted.extensions ?? {};
  return formatClientError({ ...formatted, extensions });
}
