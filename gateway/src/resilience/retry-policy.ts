import { backoffDelay } from '#kit';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * How long to wait before retry number `retry` (1-based): exponential, with
 * jitter so that gateway instances retrying the same recovering subgraph do
 * not arrive in lockstep.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return backoffDelay(retry, policy.baseDelayMs, policy.maxDelayMs, random);
}
