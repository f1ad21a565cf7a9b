import type { TokenBucketRule } from '../config.js';
import { msUntil, type RateLimitDecision, type RateLimitStore } from './rate-limit-store.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface MemoryRateLimitStoreOptions {
  /** Buckets kept at most; the least recently used go first (a full bucket and a forgotten one are the same). */
  maxKeys?: number;
  /** For tests: the clock, in milliseconds. */
  now?: () => number;
}

/**
 * Token buckets in this process. A Map keeps insertion order, so moving a
 * bucket to the end on every use makes the first entry the least recently
 * used one: memory stays bounded however many addresses a flood comes from.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  async take(key: string, rule: TokenBucketRule, cost: number): Promise<RateLimitDecision> {
    const now = this.now();
    const bucket = this.buckets.get(key);
    let tokens = rule.capacity;
    if (bucket !== undefined) {
      this.buckets.delete(key);
      const refilled = (Math.max(0, now - bucket.updatedAt) / 1000) * rule.refillPerSecond;
      tokens = Math.min(rule.capacity, bucket.tokens + refilled);
    }
    const allowed = tokens >= cost;
    if (allowed) tokens -= cost;
    this.buckets.set(key, { tokens, updatedAt: now });
    while (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
    return { allowed, remaining: Math.floor(tokens), retryAfterMs: allowed ? 0 : msUntil(tokens, cost, rule) };
  }

  /** Buckets currently held, for tests of the memory bound. */
  get size(): number {
    return this.buckets.size;
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}
