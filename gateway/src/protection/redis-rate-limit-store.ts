import { Redis } from 'ioredis';
import type { Logger } from '#kit';
import type { TokenBucketRule } from '../config.js';
import { msUntil, type RateLimitDecision, type RateLimitStore } from './rate-limit-store.js';

/**
 * The token bucket as one Lua script, so that reading, refilling and taking
 * are atomic however many gateway instances share the bucket. Time comes from
 * the Redis server (TIME), not from each instance, so clock skew between
 * instances cannot refill a bucket early. Redis 5+ replicates a script's
 * effects rather than the script, which is what allows TIME before a write.
 */
const takeTokensScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local capacity = tonumber(ARGV[1])
local refillPerMs = tonumber(ARGV[2]) / 1000
local cost = tonumber(ARGV[3])
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'updatedAt')
local tokens = tonumber(stored[1])
local updatedAt = tonumber(stored[2])
if tokens == nil or updatedAt == nil then
  tokens = capacity
else
  tokens = math.min(capacity, tokens + math.max(0, now - updatedAt) * refillPerMs)
end
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updatedAt', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / refillPerMs) + 1000)
return { allowed, tostring(tokens) }
`;

interface TokenCommands {
  takeTokens(key: string, capacity: number, refillPerSecond: number, cost: number): Promise<[number, string]>;
}

export interface RedisRateLimitStoreOptions {
  url: string;
  logger: Logger;
  /** Prefix of every key, so several deployments can share one Redis. */
  keyPrefix?: string;
  /** How long one command may take before the request is let through without counting. */
  commandTimeoutMs?: number;
}

/**
 * Token buckets in Redis, shared by every gateway instance. Commands are not
 * queued while Redis is unreachable: they fail at once, and the rate limiter
 * lets the request through (a limiter outage must not become an API outage).
 */
export class RedisRateLimitStore implements RateLimitStore {
  private constructor(
    private readonly redis: Redis & TokenCommands,
    private readonly keyPrefix: string,
  ) {}

  static async connect(options: RedisRateLimitStoreOptions): Promise<RedisRateLimitStore> {
    const redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: 2_000,
      // Reconnect forever, at most every two seconds: Redis coming back restores shared counting.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    redis.defineCommand('takeTokens', { numberOfKeys: 1, lua: takeTokensScript });
    let lastWarning = 0;
    redis.on('error', (error: Error) => {
      // ioredis reports every failed reconnection; one line every ten seconds is enough.
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      options.logger.warn({ err: error }, 'redis for rate limits unavailable; requests are let through uncounted');
    });
    try {
      await redis.connect();
    } catch (error) {
      options.logger.warn({ err: error }, 'redis for rate limits unreachable at start; retrying in the background');
    }
    return new RedisRateLimitStore(redis as Redis & TokenCommands, options.keyPrefix ?? 'gasrapido:ratelimit:');
  }

  async take(key: string, rule: TokenBucketRule, cost: number): Promise<RateLimitDecision> {
    const [allowed, left] = await this.redis.takeTokens(`${this.keyPrefix}${key}`, rule.capacity, rule.refillPerSecond, cost);
    const tokens = Number(left);
    const enough = allowed === 1;
    return { allowed: enough, remaining: Math.floor(tokens), retryAfterMs: enough ? 0 : msUntil(tokens, cost, rule) };
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
