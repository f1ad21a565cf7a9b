import type { ServiceEndpointDefinition } from '@apollo/gateway';
import type { Logger, ServiceMetrics } from '#kit';
import { measureSubgraphTransport, recordCircuitTransition } from './observability/index.js';
import type { GatewaySettings } from './config.js';
import type { RateLimiter } from './protection/index.js';
import { CircuitBreaker, createSubgraphTransport, type CircuitState } from './resilience/index.js';
import { SubgraphDataSource } from './subgraph-data-source.js';

export interface SubgraphServices {
  /** @apollo/gateway's `buildService`: one data source per subgraph of the supergraph. */
  buildService(definition: ServiceEndpointDefinition): SubgraphDataSource;
  /** Each built subgraph's circuit state, by name. */
  circuitStates(): Record<string, CircuitState>;
}

/**
 * How the gateway reaches its subgraphs: one connection pool for all, and for
 * each subgraph its URL (`SUBGRAPH_<NAME>_URL` over the supergraph's), its
 * time budget, its circuit breaker and the shared rate limiter.
 */
export function subgraphServices(
  settings: GatewaySettings,
  rateLimiter: RateLimiter,
  logger: Logger,
  metrics: ServiceMetrics,
): SubgraphServices {
  const { resilience } = settings;
  const longestTimeoutMs = Math.max(settings.subgraphTimeoutMs, ...Object.values(resilience.subgraphTimeouts));
  const transport = createSubgraphTransport(settings.subgraphTimeoutMs, longestTimeoutMs);
  const breakers = new Map<string, CircuitBreaker>();
  return {
    buildService({ name, url }) {
      const target = settings.subgraphUrls[name] ?? url;
      if (target === undefined) throw new Error(`no URL for subgraph ${name}; set SUBGRAPH_${name.toUpperCase()}_URL`);
      const subgraphLogger = logger.child({ subgraph: name });
      const breaker = new CircuitBreaker(resilience.circuit, (from, to) => {
        recordCircuitTransition(metrics, name, to);
        subgraphLogger[to === 'closed' ? 'info' : 'warn']({ from, to }, `circuit of subgraph ${name} is ${to}`);
      });
      breakers.set(name, breaker);
      return new SubgraphDataSource({
        name,
        url: target,
        gatewaySecret: settings.gatewaySecret,
        timeoutMs: resilience.subgraphTimeouts[name] ?? settings.subgraphTimeoutMs,
        retry: { retries: resilience.retries, baseDelayMs: resilience.retryBaseDelayMs, maxDelayMs: resilience.retryMaxDelayMs },
        breaker,
        rateLimiter,
        transport: measureSubgraphTransport(transport, metrics, name),
        metrics,
        deduplicate: settings.deduplicateFetches,
        logger: subgraphLogger,
      });
    },
    circuitStates: () => Object.fromEntries([...breakers].map(([name, breaker]) => [name, breaker.state])),
  };
}
