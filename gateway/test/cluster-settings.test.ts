import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { perWorkerRateLimits, workerCount } from '../src/cluster.js';
import { parseGatewaySettings } from '../src/config.js';

describe('gateway workers', () => {
  it('are one by default, a number, or one per core with auto', () => {
    expect(parseGatewaySettings({}).workers).toBe(1);
    expect(workerCount(parseGatewaySettings({ GATEWAY_WORKERS: '3' }).workers)).toBe(3);
    expect(workerCount(parseGatewaySettings({ GATEWAY_WORKERS: 'auto' }).workers)).toBe(availableParallelism());
    expect(() => parseGatewaySettings({ GATEWAY_WORKERS: '0' })).toThrow(/GATEWAY_WORKERS/);
  });

  it('share the in-memory rate limits out, so the instance keeps the configured limits', () => {
    const limits = parseGatewaySettings({
      GATEWAY_RATE_LIMIT_USER_PER_SECOND: '20',
      GATEWAY_RATE_LIMIT_USER_BURST: '100',
      SUBGRAPH_ACCOUNTS_RATE_LIMIT_PER_SECOND: '10',
    }).protection.rateLimits;
    const shared = perWorkerRateLimits(limits, 2);
    expect(shared.user).toEqual({ capacity: 50, refillPerSecond: 10 });
    expect(shared.anonymous).toEqual({ capacity: limits.anonymous.capacity / 2, refillPerSecond: limits.anonymous.refillPerSecond / 2 });
    expect(shared.subgraphs['accounts']).toEqual({ capacity: 10, refillPerSecond: 5 });
    expect(perWorkerRateLimits(limits, 1)).toBe(limits);
  });

  it('keep the limits whole when the counters are shared in Redis', () => {
    const limits = parseGatewaySettings({ REDIS_URL: 'redis://127.0.0.1:6379' }).protection.rateLimits;
    expect(perWorkerRateLimits(limits, 4)).toBe(limits);
  });
});
