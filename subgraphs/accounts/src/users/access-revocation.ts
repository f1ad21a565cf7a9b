import { pendingEvent, type EventOrigin, type PendingEvent, type RevocationReason } from '#kit';
import type { User } from './user-store.js';
import { UserEvents } from '../events/index.js';

/**
 * `user.access_revoked` for a change that raised the user's access version:
 * every service refuses the user's older access tokens from now until the
 * last of them has expired (`tokensExpireBy`).
 */
export function accessRevoked(
  user: User,
  reason: RevocationReason,
  at: Date,
  accessTokenTtlSeconds: number,
  origin: EventOrigin,
): PendingEvent {
  return pendingEvent(UserEvents.accessRevoked, origin, user.id, {
    userId: user.id,
    reason,
    accessVersion: user.accessVersion,
    revokedAt: at.toISOString(),
    tokensExpireBy: new Date(at.getTime() + accessTokenTtlSeconds * 1000).toISOString(),
  });
}
