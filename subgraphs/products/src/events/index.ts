/**
 * The event contracts products publishes: the only file of this subgraph another subgraph may import.
 * The store contract carries what its snapshot means (area, fee, authorisation, pause), so every
 * consumer judges a store the same way.
 */
export * from './product-events.js';
export * from './store-events.js';
