import { appError, ErrorCode, invalidInput, rateLimited } from '#kit';
import { InvitationsUnavailableError, type ClaimRefusal, type ClaimRequest, type InvitationClaims } from './invitation-claims.js';

const refusalMessages: Readonly<Record<ClaimRefusal, string>> = {
  UNKNOWN: 'is not a valid invitation code; check it for typos',
  EXPIRED: 'has expired; ask for a new invitation',
  REVOKED: 'was revoked by whoever sent it',
  EXHAUSTED: 'has already been used as many times as it allows',
  ROLE_MISMATCH: 'is for another role; register with the role the invitation names',
};

/**
 * Claims an invitation use for a registration, translating every way it can
 * go wrong into the client-facing error: a refused code is the input's fault,
 * a rate limit says when to retry, and an unreachable service is ours.
 */
export async function claimInvitation(
  claims: InvitationClaims,
  request: ClaimRequest,
): Promise<{ invitationId: string; invitedBy: string }> {
  let outcome;
  try {
    outcome = await claims.claim(request);
  } catch (error) {
    if (error instanceof InvitationsUnavailableError) {
      throw appError(ErrorCode.SERVICE_UNAVAILABLE, 'Invitation codes cannot be checked right now. Try again in a minute.');
    }
    throw error;
  }
  switch (outcome.kind) {
    case 'claimed':
      return { invitationId: outcome.invitationId, invitedBy: outcome.invitedBy };
    case 'refused':
      throw invalidInput([{ field: 'input.invitationCode', message: refusalMessages[outcome.reason] }]);
    case 'rate-limited':
      throw rateLimited(
        `Too many invitation codes tried from your address. Retry in ${outcome.retryAfterSeconds} seconds.`,
        outcome.retryAfterSeconds,
      );
  }
}
