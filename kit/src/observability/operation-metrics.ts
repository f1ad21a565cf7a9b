import { Counter, Histogram, type Registry } from 'prom-client';

/** Seconds; from a cached lookup to a slow cross-subgraph plan. */
export const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Per-operation GraphQL instruments: the same series on the gateway and on every subgraph. */
export function operationMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'gasrapido_graphql_requests_total',
      help: 'GraphQL requests executed (or refused by parsing and validation), by operation name and type.',
      labelNames: ['operation', 'operation_type'] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'gasrapido_graphql_errors_total',
      help: 'GraphQL responses carrying at least one error, by operation and the first error code.',
      labelNames: ['operation', 'operation_type', 'code'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'gasrapido_graphql_request_duration_seconds',
      help: 'Time from a GraphQL request reaching Apollo Server to its response, by operation.',
      labelNames: ['operation', 'operation_type'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
  };
}
