import { describe, expect, it } from 'vitest';
import { retryDelay } from '../src/delivery/retry-delay.js';

describe('notification retry delay', () => {
  it('waits the base delay after the first failed attempt', () => {
    expect(retryDelay(1, 30_000, 3_600_000)).toBe(30_000);
  });

  it('doubles the wait with each further attempt', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, 1_000, 1_000_000))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('never waits longer than the maximum', () => {
    expect(retryDelay(10, 30_000, 60_000)).toBe(60_000);
    expect(retryDelay(10_000, 30_000, 60_000)).toBe(60_000);
  });

  it('treats an attempt below one as the first', () => {
    expect(retryDelay(0, 500, 10_000)).toBe(500);
  });
});
