// The gateway's fault tolerance toward subgraphs, exported on purpose for the data source and server.ts.
export { CircuitBreaker } from './circuit-breaker.js';
export type { CircuitState, CircuitPermit } from './circuit-breaker.js';
export { retryDelayMs } from './retry-policy.js';
export type { RetryPolicy } from './retry-policy.js';
export { classifySubgraphFailure, SubgraphStatusError } from './subgraph-failure.js';
export type { SubgraphFailure } from './subgraph-failure.js';
export { failedFetch } from './failed-fetch.js';
export type { FetchFailure, SubgraphResponse } from './failed-fetch.js';
export { createSubgraphTransport, subgraphCall } from './subgraph-transport.js';
export type { SubgraphCall, SubgraphHttpResponse, SubgraphTransport } from './subgraph-transport.js';
export { InFlightRequests } from './in-flight-requests.js';
