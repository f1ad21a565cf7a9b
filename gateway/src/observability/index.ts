// The gateway's metrics, ready to wire in server.ts (docs/observability.md). The per-operation
// plugin, the HTTP metrics and tracing come from the kit and are shared with the subgraphs.
export { measureSubgraphTransport, recordSharedSubgraphFetch, recordSubgraphFetch } from './subgraph-fetch-metrics.js';
export type { SubgraphFetchFailure } from './subgraph-fetch-metrics.js';
export { observeCircuitStates, recordCircuitTransition, circuitStateValue } from './circuit-state-gauge.js';
export type { CircuitStateName } from './circuit-state-gauge.js';
export { observeSubscriptions } from './subscription-gauges.js';
export type { SubscriptionCounts } from './subscription-gauges.js';
