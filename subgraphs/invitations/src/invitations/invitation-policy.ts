import { forbidden, hasRole, requireRole, requireVerified, Role, type Viewer } from '#kit';
import type { InvitationRole } from '../database.js';
import type { Invitation } from './invitation-store.js';

/**
 * Who may invite whom: admins anyone; a verified supplier its couriers;
 * anybody signed in a customer (a referral).
 */
export function authoriseInvitation(viewer: Viewer, role: InvitationRole): void {
  if (hasRole(viewer, Role.ADMIN) || role === 'CUSTOMER') return;
  if (role === 'COURIER' && hasRole(viewer, Role.SUPPLIER)) {
    requireVerified(viewer, 'invite couriers');
    return;
  }
  // An admin without a second factor in this session is told how to get one, not just refused.
  if (viewer.roles.includes(Role.ADMIN)) requireRole(viewer, Role.ADMIN);
  throw forbidden(role === 'COURIER' ? 'Only admins and verified suppliers may invite couriers.' : 'Only admins may invite suppliers.');
}

/** Its creator and admins manage an invitation: they see its recipient and acceptances, and may revoke it. */
export function managesInvitation(viewer: Viewer | null, invitation: Pick<Invitation, 'invitedBy'>): boolean {
  return viewer !== null && (viewer.userId === invitation.invitedBy || hasRole(viewer, Role.ADMIN));
}
