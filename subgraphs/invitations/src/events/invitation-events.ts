import { z } from 'zod';
import { defineEvent, eventTime } from '#kit';
import { roleSchema } from '../../../accounts/src/events/index.js';

export const INVITATION_TOPIC = 'invitation.events';

const invitedRole = z.enum(['CUSTOMER', 'SUPPLIER', 'COURIER']);
const invitation = { topic: INVITATION_TOPIC, version: 1, producer: 'invitations', key: 'invitationId' } as const;

export const InvitationEvents = {
  created: defineEvent({
    ...invitation,
    type: 'invitation.created',
    data: z.object({
      invitationId: z.uuid(),
      role: invitedRole,
      channel: z.enum(['EMAIL', 'SMS']),
      /** The email address or E.164 phone number the invitation goes to. */
      recipient: z.string(),
      /** The code itself, for the notification that delivers it; only its hash is stored. */
      code: z.string(),
      invitedBy: z.uuid(),
      expiresAt: eventTime,
      maxUses: z.number().int().positive(),
    }),
  }),
  accepted: defineEvent({
    ...invitation,
    type: 'invitation.accepted',
    data: z.object({
      invitationId: z.uuid(),
      userId: z.uuid(),
      role: invitedRole,
      invitedBy: z.uuid(),
      /** The inviter's roles when inviting: a courier invited by a supplier works for that supplier. */
      inviterRoles: z.array(roleSchema),
      acceptedAt: eventTime,
    }),
  }),
  expired: defineEvent({
    ...invitation,
    type: 'invitation.expired',
    data: z.object({
      invitationId: z.uuid(),
      role: invitedRole,
      invitedBy: z.uuid(),
      uses: z.number().int().nonnegative(),
      expiredAt: eventTime,
    }),
  }),
} as const;
