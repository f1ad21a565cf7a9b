import type { CircuitBreakerSettings } from '../config.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Leave to send one request; report how it went exactly once. */
export interface CircuitPermit {
  success(): void;
  failure(): void;
}

interface Bucket {
  startedAt: number;
  successes: number;
  failures: number;
}

const bucketCount = 10;

/**
 * A circuit breaker for one subgraph. Closed, it counts outcomes: a run of
 * `failureThreshold` consecutive failures, or a failure share of at least
 * `failureRate` over the last `windowMs` once that window holds
 * `minimumRequests`, opens it. Open, it refuses everything (callers fail fast
 * instead of queueing on a dead service) for `coolDownMs`; then it is
 * half-open and lets `halfOpenProbes` requests through at a time. A probe that
 * succeeds closes it; one that fails opens it again for another cool-down.
 * Outcomes of requests let through under an earlier state are ignored, so a
 * slow failure from before the circuit opened cannot reopen it later.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  /** Bumped on every transition; a permit only counts in the generation that issued it. */
  private generation = 0;
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probesInFlight = 0;
  private buckets: Bucket[] = [];

  constructor(
    private readonly settings: CircuitBreakerSettings,
    private readonly onTransition: (from: CircuitState, to: CircuitState) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.settings.coolDownMs) this.transition('half-open');
    return this.current;
  }

  /** A permit when the request may go, undefined when it must fail fast. */
  tryAcquire(): CircuitPermit | undefined {
    const state = this.state;
    if (state === 'open') return undefined;
    if (state === 'half-open') {
      if (this.probesInFlight >= this.settings.halfOpenProbes) return undefined;
      this.probesInFlight += 1;
    }
    return this.permit(this.generation, state === 'half-open');
  }

  private permit(generation: number, probe: boolean): CircuitPermit {
    let settled = false;
    const settle = (succeeded: boolean) => {
      if (settled) return;
      settled = true;
      if (probe && generation === this.generation) this.probesInFlight -= 1;
      if (generation !== this.generation) return;
      if (succeeded) this.recordSuccess(probe);
      else this.recordFailure(probe);
    };
    return { success: () => settle(true), failure: () => settle(false) };
  }

  private recordSuccess(probe: boolean): void {
    if (probe) {
      this.transition('closed');
      return;
    }
    this.consecutiveFailures = 0;
    this.bucket().successes += 1;
  }

  private recordFailure(probe: boolean): void {
    if (probe) {
      this.transition('open');
      return;
    }
    this.consecutiveFailures += 1;
    this.bucket().failures += 1;
    if (this.consecutiveFailures >= this.settings.failureThreshold || this.failureRateReached()) this.transition('open');
  }

  private failureRateReached(): boolean {
    let successes = 0;
    let failures = 0;
    for (const bucket of this.liveBuckets()) {
      successes += bucket.successes;
      failures += bucket.failures;
    }
    const total = successes + failures;
    return total >= this.settings.minimumRequests && failures / total >= this.settings.failureRate;
  }

  /** The window as ten buckets of a tenth of it each: bounded memory at any request rate. */
  private bucket(): Bucket {
    const now = this.now();
    const width = this.settings.windowMs / bucketCount;
    let last = this.buckets.at(-1);
    if (last === undefined || now - last.startedAt >= width) {
      last = { startedAt: now, successes: 0, failures: 0 };
      this.buckets = [...this.liveBuckets(), last].slice(-bucketCount);
    }
    return last;
  }

  private liveBuckets(): Bucket[] {
    const oldest = this.now() - this.settings.windowMs;
    return this.buckets.filter((bucket) => bucket.startedAt > oldest);
  }

  private transition(to: CircuitState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.generation += 1;
    this.probesInFlight = 0;
    if (to === 'open') this.openedAt = this.now();
    if (to === 'closed') {
      this.consecutiveFailures = 0;
      this.buckets = [];
    }
    this.onTransition(from, to);
  }
}
