import type { Role } from '#kit';

export type InvitedRole = Exclude<Role, 'ADMIN'>;

export interface ClaimRequest {
  code: string;
  /** The id the new account will have; generated before the claim. */
  userId: string;
  role: InvitedRole;
  /** The registering client's address, for the invitations service's per-address limit. */
  clientAddress: string | null;
}

/** Why the invitations service refused a code. */
export type ClaimRefusal = 'UNKNOWN' | 'EXPIRED' | 'REVOKED' | 'EXHAUSTED' | 'ROLE_MISMATCH';

export type ClaimOutcome =
  | { kind: 'claimed'; invitationId: string; role: InvitedRole; invitedBy: string }
  | { kind: 'refused'; reason: ClaimRefusal; message: string }
  | { kind: 'rate-limited'; retryAfterSeconds: number; message: string };

/** The invitations service could not be asked (down, too slow, or it answered nonsense). */
export class InvitationsUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvitationsUnavailableError';
  }
}

/**
 * Takes a use of an invitation for a registration, and gives it back when
 * the registration fails afterwards. The invitations service owns the codes.
 */
export interface InvitationClaims {
  /** Throws InvitationsUnavailableError when the answer is unknown. */
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  /** Undoes the pending claim made for this user id. Throws InvitationsUnavailableError. */
  release(userId: string): Promise<void>;
}
