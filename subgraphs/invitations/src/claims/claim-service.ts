import type { InvitationRole } from '../database.js';
import type { CodeAttemptLimiter } from '../codes/attempt-limiter.js';
import { hashTypedCode } from '../codes/invitation-code.js';
import type { ClaimOutcome, ClaimStore } from './claim-store.js';

export interface ClaimRequest {
  code: string;
  userId: string;
  role: InvitationRole;
  /** The registering client's address, for the same limit code lookups count toward. */
  clientAddress: string | null;
}

export type ClaimAnswer = ClaimOutcome | { kind: 'limited'; retryAfterSeconds: number };

/** Registration's side of invitations: accounts claims a use before creating the user, and releases it if that fails. */
export class ClaimService {
  constructor(
    private readonly claims: ClaimStore,
    private readonly limiter: CodeAttemptLimiter,
  ) {}

  async claim(request: ClaimRequest): Promise<ClaimAnswer> {
    const decision = await this.limiter.mayClaim(request.clientAddress);
    if (!decision.allowed) return { kind: 'limited', retryAfterSeconds: decision.retryAfterSeconds };
    const outcome = await this.claims.claim(hashTypedCode(request.code), request.userId, request.role);
    // Only failures count: guessing through registration is limited, registering with a good code never is.
    if (outcome.kind !== 'claimed') await this.limiter.countFailedClaim(request.clientAddress);
    return outcome;
  }

  release(userId: string): Promise<boolean> {
    return this.claims.release(userId);
  }
}
