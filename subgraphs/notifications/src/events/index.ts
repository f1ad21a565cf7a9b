/**
 * The event contracts notifications publishes: the only file of this subgraph another subgraph may import.
 */
export * from './notification-events.js';
