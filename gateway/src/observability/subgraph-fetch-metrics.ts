import { Counter, Histogram, type Registry } from 'prom-client';
import type { ServiceMetrics } from '#kit';
import type { SubgraphTransport } from '../resilience/index.js';

/** Why a fetch to a subgraph failed, as a label. */
export type SubgraphFetchFailure = 'timeout' | 'aborted' | 'network' | 'http_4xx' | 'http_5xx';

function subgraphFetchMetrics(registry: Registry) {
  return {
    duration: new Histogram({
      name: 'gasrapido_subgraph_fetch_duration_seconds',
      help: 'HTTP requests from the gateway to a subgraph (each retry counts), by subgraph, until the response headers or the failure.',
      labelNames: ['subgraph'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    shared: new Counter({
      name: 'gasrapido_subgraph_fetches_shared_total',
      help: 'Subgraph reads answered by an identical request (same subgraph, token and body) already in flight, by subgraph.',
      labelNames: ['subgraph'] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'gasrapido_subgraph_fetch_errors_total',
      help: 'Gateway-to-subgraph HTTP requests that failed, by subgraph and kind (timeout, aborted, network, http_4xx, http_5xx).',
      labelNames: ['subgraph', 'kind'] as const,
      registers: [registry],
    }),
  };
}

/** Records one fetch to a subgraph; `failure` is absent for a 2xx/3xx answer. */
export function recordSubgraphFetch(metrics: ServiceMetrics, subgraph: string, seconds: number, failure?: SubgraphFetchFailure): void {
  const instruments = metrics.group(subgraphFetchMetrics);
  instruments.duration.observe({ subgraph }, seconds);
  if (failure !== undefined) instruments.errors.inc({ subgraph, kind: failure });
}

/** Counts subgraph reads that joined an identical request in flight instead of sending their own. */
export function recordSharedSubgraphFetch(metrics: ServiceMetrics, subgraph: string, count: number): void {
  metrics.group(subgraphFetchMetrics).shared.inc({ subgraph }, count);
}

/**
 * Wraps the transport for one subgraph so that every request it sends is
 * measured (gasrapido_subgraph_fetch_*). Errors a subgraph reports inside a 200
 * GraphQL response are not transport failures: the subgraph's own
 * gasrapido_graphql_errors_total counts them.
 */
export function measureSubgraphTransport(transport: SubgraphTransport, metrics: ServiceMetrics, subgraph: string): SubgraphTransport {
  return {
    async post(url, headers, body) {
      const startedAt = performance.now();
      const seconds = () => (performance.now() - startedAt) / 1000;
      try {
        const response = await transport.post(url, headers, body);
        recordSubgraphFetch(
          metrics,
          subgraph,
          seconds(),
          response.status >= 500 ? 'http_5xx' : response.status >= 400 ? 'http_4xx' : undefined,
        );
        return response;
      } catch (error) {
        recordSubgraphFetch(metrics, subgraph, seconds(), failureOf(error));
        throw error;
      }
    },
    close: () => transport.close(),
  };
}

function failureOf(error: unknown): SubgraphFetchFailure {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError') return 'aborted';
  return 'network';
}
