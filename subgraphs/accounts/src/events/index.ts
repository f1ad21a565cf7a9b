/**
 * The event contracts accounts publishes: the only file of this subgraph another subgraph may import.
 */
export * from './user-events.js';
