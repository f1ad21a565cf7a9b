import { eventConsumer, type ConsumerDefinition, type TransactionRunner } from '#kit';
import type { VerificationService } from '../verification/verification-service.js';
import { verificationStore, type VerificationTransaction } from '../verification/verification-store.js';
import { InvitationEvents } from '../../../invitations/src/events/index.js';

/**
 * A supplier or courier who registered with an invitation has a verification
 * request opened for them, so they can upload documents straight away.
 * Customers' invitations (referrals) need no verification.
 */
export function invitationAcceptanceConsumer(
  verification: VerificationService,
  transactions: TransactionRunner<VerificationTransaction>,
): ConsumerDefinition {
  return eventConsumer({
    name: 'verification.invitation-acceptances',
    transactions,
    handlers: (on) => [
      on(InvitationEvents.accepted, async (data, { transaction, envelope, logger }) => {
        const { userId, role } = data;
        if (role !== 'SUPPLIER' && role !== 'COURIER') return;
        const { request, opened } = await verification.open(verificationStore(transaction), userId, role, 'INVITATION_ACCEPTED', {
          source: 'verification',
          correlationId: envelope.correlationId,
        });
        if (opened) logger.info({ userId, role, requestId: request.id }, 'verification request opened for an accepted invitation');
      }),
    ],
  });
}
