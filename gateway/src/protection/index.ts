// The gateway's protections, exported on purpose: server.ts wires these; the rest is internal.
export type { RateLimitStore, RateLimitDecision } from './rate-limit-store.js';
export { MemoryRateLimitStore } from './memory-rate-limit-store.js';
export { RedisRateLimitStore } from './redis-rate-limit-store.js';
export { RateLimiter } from './rate-limiter.js';
export type { RateLimited } from './rate-limiter.js';
export { clientAddress } from './client-address.js';
export { FrontDoor } from './front-door.js';
export { GuardedApolloServer } from './guarded-apollo-server.js';
export { costLimitPlugin } from './cost-limit-plugin.js';
export { Safelist } from './safelist.js';
export { sharedResponseCache, signedInResponsesArePrivate } from './response-cache.js';
