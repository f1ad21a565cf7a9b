/**
 * The event contracts analytics publishes: the only file of this subgraph another subgraph may import.
 */
export * from './analytics-events.js';
