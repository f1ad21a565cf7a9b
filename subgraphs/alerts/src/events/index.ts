/**
 * The event contracts alerts publishes: the only file of this subgraph another subgraph may import.
 */
export * from './alert-events.js';
