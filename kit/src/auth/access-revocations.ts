import type { EventData } from '../events/event-definition.js';
import type { accessRevokedEvent } from './access-revocation-event.js';

export type RevocationReason = EventData<typeof accessRevokedEvent>['reason'];

/** One user's tokens withdrawn: every token below `accessVersion` is refused until `tokensExpireBy`. */
export interface AccessRevocation {
  userId: string;
  reason: RevocationReason;
  accessVersion: number;
  revokedAt: Date;
  tokensExpireBy: Date;
}

/**
 * The revocations a process knows of, newest per user, held in memory. Only
 * revocations whose tokens may still be valid are kept: after `tokensExpireBy`
 * (plus the clock tolerance) every token they concern has expired anyway.
 */
export class AccessRevocations {
  private readonly byUser = new Map<string, AccessRevocation>();
  private readonly listeners = new Set<(revocation: AccessRevocation) => void>();

  constructor(
    private readonly clockToleranceMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers a revocation; an older one of the same user (a lower version) changes nothing. */
  record(revocation: AccessRevocation): void {
    const known = this.byUser.get(revocation.userId);
    if (known !== undefined && known.accessVersion >= revocation.accessVersion) return;
    this.byUser.set(revocation.userId, revocation);
    for (const listener of this.listeners) listener(revocation);
  }

  /**
   * Calls the listener with each revocation recorded from now on, for what
   * outlives a request (an open WebSocket); call the result to stop.
   */
  onRevocation(listener: (revocation: AccessRevocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The revocation that withdrew a token of this user carrying this access version, if any. */
  revocationOf(userId: string, tokenAccessVersion: number): AccessRevocation | undefined {
    const known = this.byUser.get(userId);
    if (known === undefined || tokenAccessVersion >= known.accessVersion) return undefined;
    return this.expired(known) ? undefined : known;
  }

  /** Forgets the revocations no valid token can concern any more. */
  prune(): void {
    for (const [userId, revocation] of this.byUser) if (this.expired(revocation)) this.byUser.delete(userId);
  }

  get size(): number {
    return this.byUser.size;
  }

  private expired(revocation: AccessRevocation): boolean {
    return revocation.tokensExpireBy.getTime() + this.clockToleranceMs < this.now();
  }
}
