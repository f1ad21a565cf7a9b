import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#kit';
import type { TokenBucketRule } from '../src/config.js';
import { MemoryRateLimitStore } from '../src/protection/memory-rate-limit-store.js';
import type { RateLimitStore } from '../src/protection/rate-limit-store.js';
import { RateLimiter } from '../src/protection/rate-limiter.js';
import { RedisRateLimitStore } from '../src/protection/redis-rate-limit-store.js';
import { freePort } from '../../test/support/free-port.js';

/*
 * One contract for every RateLimitStore, run against the memory store and
 * against the Redis store on a real redis-server of its own (provisioned by
 * scripts/redis/ensure-redis-server.sh).
 */

const logger = createLogger({ service: 'rate-limit-test', level: 'silent' });
let keySequence = 0;
const freshKey = () => `test-key-${process.pid}-${(keySequence += 1)}`;
/** A bucket that does not refill within a test. */
const noRefill: TokenBucketRule = { capacity: 10, refillPerSecond: 0.001 };

function storeContract(name: string, open: () => Promise<RateLimitStore>): void {
  describe(`the ${name} rate-limit store`, () => {
    let store: RateLimitStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('allows a full bucket’s worth at once, then refuses with the time until the next token', async () => {
      const key = freshKey();
      const rule = { capacity: 3, refillPerSecond: 1 };
      const decisions = [];
      for (let index = 0; index < 4; index += 1) decisions.push(await store.take(key, rule, 1));
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
      expect(decisions.map((decision) => decision.remaining)).toEqual([2, 1, 0, 0]);
      expect(decisions[3]!.retryAfterMs).toBeGreaterThan(900);
      expect(decisions[3]!.retryAfterMs).toBeLessThanOrEqual(1_000);
    });

    it('refills continuously, so a refused caller succeeds after the time it was told', async () => {
      const key = freshKey();
      const rule = { capacity: 2, refillPerSecond: 20 };
      await store.take(key, rule, 2);
      const refused = await store.take(key, rule, 1);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(50);
      await delay(refused.retryAfterMs + 20);
      expect((await store.take(key, rule, 1)).allowed).toBe(true);
    });

    it('takes nothing from a refused request, so a smaller one still fits', async () => {
      const key = freshKey();
      const rule = { capacity: 3, refillPerSecond: 0.001 };
      await store.take(key, rule, 2);
      expect((await store.take(key, rule, 2)).allowed).toBe(false);
      expect((await store.take(key, rule, 1)).allowed).toBe(true);
    });

    it('keeps every key’s bucket apart', async () => {
      const [first, second] = [freshKey(), freshKey()];
      const rule = { capacity: 1, refillPerSecond: 0.001 };
      expect((await store.take(first, rule, 1)).allowed).toBe(true);
      expect((await store.take(first, rule, 1)).allowed).toBe(false);
      expect((await store.take(second, rule, 1)).allowed).toBe(true);
    });

    it('allows exactly the capacity when many requests arrive at once', async () => {
      const key = freshKey();
      const decisions = await Promise.all(Array.from({ length: 50 }, () => store.take(key, noRefill, 1)));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
    });
  });
}

storeContract('memory', async () => new MemoryRateLimitStore());

describe('the memory rate-limit store', () => {
  it('keeps at most maxKeys buckets, forgetting the least recently used', async () => {
    const store = new MemoryRateLimitStore({ maxKeys: 3 });
    const rule = { capacity: 1, refillPerSecond: 0.001 };
    for (const key of ['a', 'b', 'c']) await store.take(key, rule, 1);
    await store.take('a', rule, 1);
    await store.take('d', rule, 1);
    expect(store.size).toBe(3);
    // 'b' was the least recently used: forgotten, its bucket starts full again; 'a' is still empty.
    expect((await store.take('b', rule, 1)).allowed).toBe(true);
    expect((await store.take('d', rule, 1)).allowed).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// Redis: a real redis-server on a free port, started and stopped by this file.
// ---------------------------------------------------------------------------

/** The project's script finds redis-server, installing Debian's package when it is missing. */
function provisionRedisServer(): string {
  const script = fileURLToPath(new URL('../../scripts/redis/ensure-redis-server.sh', import.meta.url));
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 }).trim();
}

async function startRedisServer(binary: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, process: child };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('with a real redis-server', () => {
  let server: { url: string; process: ChildProcess };
  let redisBinary: string;
  beforeAll(async () => {
    redisBinary = provisionRedisServer();
    server = await startRedisServer(redisBinary);
  }, 300_000);
  afterAll(async () => {
    if (server) await stopProcess(server.process);
  });

  storeContract('Redis', () => RedisRateLimitStore.connect({ url: server.url, logger, keyPrefix: 'contract:' }));

  it('shares one bucket between gateway instances', async () => {
    const [one, two] = await Promise.all([
      RedisRateLimitStore.connect({ url: server.url, logger }),
      RedisRateLimitStore.connect({ url: server.url, logger }),
    ]);
    try {
      const key = freshKey();
      const rule = { capacity: 5, refillPerSecond: 0.001 };
      const decisions = await Promise.all([
        ...[1, 2, 3, 4].map(() => one.take(key, rule, 1)),
        ...[1, 2, 3, 4].map(() => two.take(key, rule, 1)),
      ]);
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('lets each bucket expire once it would be full again', async () => {
    const store = await RedisRateLimitStore.connect({ url: server.url, logger, keyPrefix: 'expiry:' });
    const inspector = new Redis(server.url);
    try {
      const key = freshKey();
      await store.take(key, { capacity: 10, refillPerSecond: 5 }, 1);
      const ttl = await inspector.pttl(`expiry:${key}`);
      expect(ttl).toBeGreaterThan(2_000);
      expect(ttl).toBeLessThanOrEqual(3_000);
    } finally {
      await store.close();
      inspector.disconnect();
    }
  });

  it('lets requests through uncounted, at once, while Redis is unreachable', async () => {
    const stopped = await startRedisServer(redisBinary);
    const store = await RedisRateLimitStore.connect({ url: stopped.url, logger });
    await stopProcess(stopped.process);
    const limiter = new RateLimiter(
      store,
      {
        enabled: true,
        user: noRefill,
        anonymous: { capacity: 1, refillPerSecond: 0.001 },
        subgraphDefault: undefined,
        subgraphs: {},
        trustedProxyHops: 0,
        redisUrl: stopped.url,
      },
      logger,
    );
    try {
      const startedAt = performance.now();
      for (let index = 0; index < 5; index += 1) expect(await limiter.admitCaller(null, '203.0.113.9')).toBeUndefined();
      expect(performance.now() - startedAt).toBeLessThan(2_000);
    } finally {
      await limiter.close();
    }
  });
});
