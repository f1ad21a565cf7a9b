/**
 * The event contracts couriers publishes: the only file of this subgraph another subgraph may import.
 */
export * from './courier-events.js';
