import { eventConsumer, recordEvents, type ConsumerDefinition, type TransactionRunner } from '#kit';
import type { InvitationsTransaction } from '../database.js';
import type { ClaimStore } from '../claims/claim-store.js';
import { invitationAcceptedEvent } from '../invitations/invitation-events.js';
import type { InvitationStore } from '../invitations/invitation-store.js';
import { UserEvents } from '../../../accounts/src/events/index.js';

/**
 * invitations follows accounts' users. One consumer handles both events, so a
 * user's creation and deletion (same key, same partition) apply in order.
 *
 * - user.created: the claim the registration took becomes an acceptance, and
 *   invitation.accepted is published in the same transaction.
 * - user.deleted: the deleted user's email or phone goes from the invitations
 *   they accepted, and the invitations they sent can no longer be used.
 */
export function userLifecycleConsumer(
  invitations: InvitationStore,
  claims: ClaimStore,
  transactions: TransactionRunner<InvitationsTransaction>,
): ConsumerDefinition {
  return eventConsumer({
    name: 'invitations.user-lifecycle',
    transactions,
    handlers: (on) => [
      on(UserEvents.created, async (data, { transaction, envelope, logger }) => {
        const { userId } = data;
        const tx = transaction;
        const accepted = await claims.accept(userId, tx);
        // Most users register without a code; those have no claim to accept.
        if (accepted === null) return;
        const origin = { source: 'invitations', correlationId: envelope.correlationId };
        await recordEvents(tx, [invitationAcceptedEvent(origin, accepted.invitation, userId, accepted.acceptedAt)]);
        logger.info({ invitationId: accepted.invitation.id, userId }, 'invitation accepted');
      }),
      on(UserEvents.deleted, async (data, { transaction, logger }) => {
        const { userId } = data;
        const tx = transaction;
        const erased = await invitations.eraseRecipientsOf(userId, tx);
        const revoked = await invitations.revokeCreatedBy(userId, tx);
        if (erased + revoked > 0) logger.info({ userId, erased, revoked }, 'deleted user’s invitation data removed');
      }),
    ],
  });
}
