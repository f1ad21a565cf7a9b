import { pendingEvent, type EventOrigin, type PendingEvent } from '#kit';
import type { InvitationRow } from '../database.js';
import type { ExpiredInvitation, Invitation } from './invitation-store.js';
import { InvitationEvents } from '../events/index.js';

/**
 * invitation.created carries the code: the notification that delivers it
 * needs it, and this is the only place it exists after the response.
 */
export const invitationCreatedEvent =
  (origin: EventOrigin, code: string) =>
  (invitation: Invitation): PendingEvent[] => [
    pendingEvent(InvitationEvents.created, origin, invitation.id, {
      invitationId: invitation.id,
      role: invitation.role,
      channel: invitation.channel,
      recipient: invitation.recipient ?? '',
      code,
      invitedBy: invitation.invitedBy,
      expiresAt: invitation.expiresAt.toISOString(),
      maxUses: invitation.maxUses,
    }),
  ];

export function invitationAcceptedEvent(origin: EventOrigin, invitation: InvitationRow, userId: string, acceptedAt: Date): PendingEvent {
  return pendingEvent(InvitationEvents.accepted, origin, invitation.id, {
    invitationId: invitation.id,
    userId,
    role: invitation.role,
    invitedBy: invitation.invitedBy,
    inviterRoles: invitation.inviterRoles,
    acceptedAt: acceptedAt.toISOString(),
  });
}

export const invitationExpiredEvents =
  (origin: EventOrigin) =>
  (expired: ExpiredInvitation[]): PendingEvent[] =>
    expired.map((invitation) =>
      pendingEvent(InvitationEvents.expired, origin, invitation.id, {
        invitationId: invitation.id,
        role: invitation.role,
        invitedBy: invitation.invitedBy,
        uses: invitation.uses,
        expiredAt: invitation.expiredAt.toISOString(),
      }),
    );
