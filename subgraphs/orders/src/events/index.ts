/**
 * The event contracts orders publishes: the only file of this subgraph another subgraph may import.
 */
export * from './order-events.js';
