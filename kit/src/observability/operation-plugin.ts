import type { ApolloServerPlugin, GraphQLResponse } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import { isErrorCode } from '../errors.js';
import { operationMetrics } from './operation-metrics.js';
import { operationNameLabels, UNRESOLVED_OPERATION } from './operation-names.js';
import type { ServiceMetrics } from './service-metrics.js';

export interface OperationObservabilityOptions {
  /** Distinct operation names that get their own label; later ones share `__other`. Default 200. */
  maxOperationNames?: number;
}

/**
 * Records every GraphQL request's count, errors and latency by operation name
 * and type (gasrapido_graphql_*), and names the operation on the request's
 * trace span. The kit adds it to every subgraph; the gateway adds it to its
 * own Apollo Server.
 */
export function operationObservabilityPlugin(metrics: ServiceMetrics, options: OperationObservabilityOptions = {}): ApolloServerPlugin {
  const instruments = metrics.group(operationMetrics);
  const labelOf = operationNameLabels(options.maxOperationNames ?? 200);
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      let operation = UNRESOLVED_OPERATION;
      let operationType = 'unknown';
      return {
        async didResolveOperation(requestContext) {
          operation = labelOf(requestContext.operationName);
          operationType = requestContext.operation?.operation ?? 'unknown';
          // Traces have no cardinality limit: the span gets the name as sent.
          trace.getActiveSpan()?.setAttributes({
            'graphql.operation.name': requestContext.operationName ?? '',
            'graphql.operation.type': operationType,
          });
        },
        async willSendResponse({ response }) {
          const labels = { operation, operation_type: operationType };
          instruments.requests.inc(labels);
          instruments.duration.observe(labels, (performance.now() - startedAt) / 1000);
          const code = firstErrorCode(response);
          if (code !== undefined) instruments.errors.inc({ ...labels, code });
        },
      };
    },
  };
}

/** The first error's code, from the closed set (`UNKNOWN` otherwise); undefined without errors. */
function firstErrorCode(response: GraphQLResponse): string | undefined {
  const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
  if (errors === undefined || errors.length === 0) return undefined;
  const code = errors[0]?.extensions?.['code'];
  return isErrorCode(code) ? code : 'UNKNOWN';
}
