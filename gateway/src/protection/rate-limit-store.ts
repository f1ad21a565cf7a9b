import type { TokenBucketRule } from '../config.js';

/** The outcome of taking tokens from one bucket. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** When refused: how long until the bucket holds enough tokens; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * Where token buckets live. The memory store serves one gateway instance; the
 * Redis store shares each bucket between every instance, so a client cannot
 * multiply its allowance by the number of instances. Both implement the same
 * token bucket: a bucket starts full at `capacity`, refills continuously at
 * `refillPerSecond`, and a request is allowed when it can take `cost` tokens.
 * A refused request takes nothing, so retrying after `retryAfterMs` succeeds.
 */
export interface RateLimitStore {
  take(key: string, rule: TokenBucketRule, cost: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/** Milliseconds until a bucket holding `tokens` holds `cost`. */
export function msUntil(tokens: number, cost: number, rule: TokenBucketRule): number {
  if (tokens >= cost) return 0;
  if (rule.refillPerSecond <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil(((cost - tokens) / rule.refillPerSecond) * 1000);
}
