/**
 * The event contracts payments publishes: the only file of this subgraph another subgraph may import.
 */
export * from './payment-events.js';
