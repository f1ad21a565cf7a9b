import { z } from 'zod';
import { defineEvent, eventTime } from '../events/event-definition.js';

/**
 * Access tokens the user holds stop working everywhere: every token whose
 * `access_version` claim is below `accessVersion` (or absent) is refused until
 * `tokensExpireBy`, when the last of them has expired anyway.
 *
 * Part of the kit's identity protocol, like the token claims it verifies: every
 * service's revocation feed reads it, so the kit defines it and accounts
 * produces it through this definition (on its `user.events` topic).
 */
export const accessRevokedEvent = defineEvent({
  type: 'user.access_revoked',
  topic: 'user.events',
  version: 1,
  producer: 'accounts',
  key: 'userId',
  data: z.object({
    userId: z.uuid(),
    reason: z.enum(['ACCOUNT_DELETED', 'ROLE_REMOVED', 'VERIFICATION_WITHDRAWN', 'SIGNED_OUT_EVERYWHERE']),
    /** The user's access version after the change; tokens carrying a lower one predate it. */
    accessVersion: z.number().int().positive(),
    revokedAt: eventTime,
    /** revokedAt plus the access-token lifetime: no token the revocation concerns is valid after this. */
    tokensExpireBy: eventTime,
  }),
});
