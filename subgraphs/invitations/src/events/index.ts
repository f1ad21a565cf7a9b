/**
 * The event contracts invitations publishes: the only file of this subgraph another subgraph may import.
 */
export * from './invitation-events.js';
