import type { AttemptStore } from './attempt-store.js';

export interface AttemptDecision {
  allowed: boolean;
  /** When refused: seconds until the address may try again. */
  retryAfterSeconds: number;
}

/** Requests that reach us without an address share one bucket rather than escaping the limit. */
const UNKNOWN_ADDRESS = 'unknown';

/**
 * Limits guessing of invitation codes per client address. Every lookup
 * counts; a claim counts only when it fails, so registering with a good code
 * is never held back by the limit, but guessing through registration is.
 */
export class CodeAttemptLimiter {
  constructor(
    private readonly attempts: AttemptStore,
    private readonly perMinute: number,
  ) {}

  /** Counts a lookup; refused once the address has made more than the limit this window. */
  async countLookup(address: string | null): Promise<AttemptDecision> {
    const window = await this.attempts.increment(address ?? UNKNOWN_ADDRESS);
    return { allowed: window.count <= this.perMinute, retryAfterSeconds: window.secondsLeft };
  }

  /** Whether the address may attempt a claim now; counts nothing. */
  async mayClaim(address: string | null): Promise<AttemptDecision> {
    const window = await this.attempts.current(address ?? UNKNOWN_ADDRESS);
    return { allowed: window.count < this.perMinute, retryAfterSeconds: window.secondsLeft };
  }

  async countFailedClaim(address: string | null): Promise<void> {
    await this.attempts.increment(address ?? UNKNOWN_ADDRESS);
  }
}
