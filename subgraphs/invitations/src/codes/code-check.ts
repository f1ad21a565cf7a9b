import { rateLimited } from '#kit';
import type { InvitationRole } from '../database.js';
import { invitationStatus, InvitationStatus } from '../invitations/invitation-status.js';
import type { InvitationStore } from '../invitations/invitation-store.js';
import type { CodeAttemptLimiter } from './attempt-limiter.js';
import { hashTypedCode } from './invitation-code.js';

export interface CodeCheck {
  valid: boolean;
  /** Only for a valid code: an invalid one reveals nothing, not even whether it ever existed. */
  role: InvitationRole | null;
}

export function tooManyAttempts(retryAfterSeconds: number) {
  return rateLimited(`Too many invitation code attempts from your address. Retry after ${retryAfterSeconds} s.`, retryAfterSeconds);
}

/** The public lookup of a code: valid or not, and the role it grants. Every lookup counts toward the address's limit. */
export async function checkInvitationCode(
  code: string,
  clientAddress: string | null,
  dependencies: { invitations: InvitationStore; limiter: CodeAttemptLimiter },
): Promise<CodeCheck> {
  const decision = await dependencies.limiter.countLookup(clientAddress);
  if (!decision.allowed) throw tooManyAttempts(decision.retryAfterSeconds);
  const codeHash = hashTypedCode(code);
  const invitation = codeHash === undefined ? null : await dependencies.invitations.findByCodeHash(codeHash);
  if (invitation === null || invitationStatus(invitation) !== InvitationStatus.ACTIVE) return { valid: false, role: null };
  return { valid: true, role: invitation.role };
}
