import { setTimeout as sleep } from 'node:timers/promises';
import { appError, ErrorCode } from '#kit';
import type { Prisma } from '../database.js';
import type { IdempotencyStore, KeyScope } from './idempotency-store.js';

export interface IdempotentOperation<Result> {
  scope: KeyScope;
  /** requestHash() of the operation and its parameters. */
  requestHash: string;
  /** The work, done once per key. Its errors give the key back: a retry tries again. */
  run(): Promise<Result>;
  encode(result: Result): Prisma.InputJsonValue;
  decode(stored: Prisma.JsonValue): Result;
}

export interface IdempotencyOptions {
  /** How long a retry waits for the request holding its key. */
  waitMs: number;
  /** A key held longer than this belongs to a request whose process died; a retry may take it over. */
  abandonAfterMs: number;
  pollMs?: number;
}

const keyReused = () =>
  appError(
    ErrorCode.CONFLICT,
    'This idempotency key was already used for a request with other parameters. Use a new key for a new request.',
    { reason: 'IDEMPOTENCY_KEY_REUSED' },
  );

const keyInUse = () =>
  appError(ErrorCode.CONFLICT, 'A request with this idempotency key is still being processed. Retry shortly with the same key.', {
    reason: 'IDEMPOTENCY_KEY_IN_USE',
  });

/**
 * Stripe-like idempotency keys. The first request to insert the key does the
 * work and stores its answer; every later request with the key and the same
 * parameters gets that stored answer, including requests racing the first
 * one, which wait for it (bounded). The same key with other parameters is a
 * CONFLICT. Failures store nothing: the key is given back.
 */
export class IdempotentRequests {
  private readonly pollMs: number;

  constructor(
    private readonly store: IdempotencyStore,
    private readonly options: IdempotencyOptions,
  ) {
    this.pollMs = options.pollMs ?? 50;
  }

  async execute<Result>(operation: IdempotentOperation<Result>): Promise<Result> {
    const { scope, requestHash } = operation;
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      if (await this.store.claim(scope, requestHash)) return this.runClaimed(operation);
      const stored = await this.store.find(scope);
      if (stored !== null) {
        if (stored.requestHash !== requestHash) throw keyReused();
        if (stored.status === 'COMPLETED' && stored.response !== null) return operation.decode(stored.response);
        const abandonedBefore = new Date(Date.now() - this.options.abandonAfterMs);
        if (stored.createdAt < abandonedBefore && (await this.store.releaseAbandoned(scope, abandonedBefore))) continue;
      }
      // Not there any more means the holder failed and gave it back: claim it on the next turn.
      if (Date.now() >= deadline) throw keyInUse();
      await sleep(this.pollMs);
    }
  }

  private async runClaimed<Result>(operation: IdempotentOperation<Result>): Promise<Result> {
    let result: Result;
    try {
      result = await operation.run();
    } catch (error) {
      await this.store.release(operation.scope).catch(() => {});
      throw error;
    }
    await this.store.complete(operation.scope, operation.encode(result));
    return result;
  }
}
