/**
 * The event contracts products publishes: the only file of this subgraph another subgraph may import.
 */
export * from './product-events.js';
