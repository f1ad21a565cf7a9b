import type { Logger, Viewer } from '#kit';
import type { RateLimitSettings, TokenBucketRule } from '../config.js';
import type { RateLimitStore } from './rate-limit-store.js';

/** Why a request was refused, and when the caller may try again. */
export interface RateLimited {
  scope: 'user' | 'address' | 'subgraph';
  /** Whole seconds, at least 1: the value of the Retry-After header. */
  retryAfterSeconds: number;
}

/**
 * Applies the configured buckets: one per signed-in user (the token's
 * subject), one per client address for anonymous callers, and one per
 * subgraph for what the gateway sends it. Users get their own buckets and not
 * their address's, so a flood from one user, or from one address, never
 * spends anybody else's allowance.
 */
export class RateLimiter {
  private lastStoreWarning = 0;

  constructor(
    private readonly store: RateLimitStore,
    private readonly settings: RateLimitSettings,
    private readonly logger: Logger,
  ) {}

  /** `cost` is the number of operations in the request (a batch counts each). */
  async admitCaller(viewer: Viewer | null, clientAddress: string, cost = 1): Promise<RateLimited | undefined> {
    if (!this.settings.enabled) return undefined;
    return viewer === null
      ? this.take('address', `address:${clientAddress}`, this.settings.anonymous, cost)
      : this.take('user', `user:${viewer.userId}`, this.settings.user, cost);
  }

  async admitSubgraph(name: string): Promise<RateLimited | undefined> {
    if (!this.settings.enabled) return undefined;
    const rule = this.settings.subgraphs[name] ?? this.settings.subgraphDefault;
    return rule === undefined ? undefined : this.take('subgraph', `subgraph:${name}`, rule, 1);
  }

  private async take(scope: RateLimited['scope'], key: string, rule: TokenBucketRule, cost: number): Promise<RateLimited | undefined> {
    // A rate of 0 means no limit; a cost above the bucket's size could never pass, so it empties the bucket instead.
    if (rule.refillPerSecond <= 0) return undefined;
    try {
      const decision = await this.store.take(key, rule, Math.min(cost, rule.capacity));
      if (decision.allowed) return undefined;
      return { scope, retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)) };
    } catch (error) {
      // Failing open: an unreachable Redis must not turn into refusing every request.
      if (Date.now() - this.lastStoreWarning > 10_000) {
        this.lastStoreWarning = Date.now();
        this.logger.warn({ err: error }, 'rate-limit store failed; request let through uncounted');
      }
      return undefined;
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
