import type { InvitationRow } from '../database.js';

export const InvitationStatus = {
  ACTIVE: 'ACTIVE',
  EXPIRED: 'EXPIRED',
  REVOKED: 'REVOKED',
  EXHAUSTED: 'EXHAUSTED',
} as const;

export type InvitationStatus = (typeof InvitationStatus)[keyof typeof InvitationStatus];

/**
 * An invitation's status, computed so that one past its expiry reads EXPIRED
 * before the expiry job has run. When several apply, the first of REVOKED,
 * EXPIRED, EXHAUSTED wins; the same order decides why a claim is refused.
 */
export function invitationStatus(
  invitation: Pick<InvitationRow, 'revokedAt' | 'expiresAt' | 'uses' | 'maxUses'>,
  now: Date = new Date(),
): InvitationStatus {
  if (invitation.revokedAt !== null) return InvitationStatus.REVOKED;
  if (invitation.expiresAt.getTime() <= now.getTime()) return InvitationStatus.EXPIRED;
  if (invitation.uses >= invitation.maxUses) return InvitationStatus.EXHAUSTED;
  return InvitationStatus.ACTIVE;
}
