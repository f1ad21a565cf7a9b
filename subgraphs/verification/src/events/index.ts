/**
 * The event contracts verification publishes: the only file of this subgraph another subgraph may import.
 */
export * from './verification-events.js';
