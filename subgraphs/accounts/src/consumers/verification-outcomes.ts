import { eventConsumer, type ConsumerDefinition, type EventData, type HandlerContext, type TransactionRunner } from '#kit';
import type { AccountsTransaction } from '../database.js';
import { userUpdated } from '../users/account-service.js';
import { accessRevoked } from '../users/access-revocation.js';
import type { UserStore } from '../users/user-store.js';
import { VerificationEvents } from '../../../verification/src/events/index.js';

type Outcome = EventData<typeof VerificationEvents.approved | typeof VerificationEvents.requested | typeof VerificationEvents.rejected>;

/**
 * accounts keeps `users.verified` in step with the verification service: an
 * approval verifies the user; a new request (documents replaced) or a
 * rejection unverifies them. A change is announced as user.updated. An
 * approval reaches the user's access token at the next refresh; a withdrawal
 * also revokes the tokens that still say verified (user.access_revoked), so
 * they are refused everywhere within seconds.
 */
export function verificationOutcomeConsumer(
  users: UserStore,
  transactions: TransactionRunner<AccountsTransaction>,
  accessTokenTtlSeconds: number,
): ConsumerDefinition {
  const handle =
    (verified: boolean) =>
    async ({ userId }: Outcome, { transaction, envelope, logger }: HandlerContext<AccountsTransaction>) => {
      const origin = { source: 'accounts', correlationId: envelope.correlationId };
      const changed = await users.setVerified(userId, verified, transaction, (user) => [
        userUpdated(user, ['verified'], origin),
        ...(verified ? [] : [accessRevoked(user, 'VERIFICATION_WITHDRAWN', new Date(), accessTokenTtlSeconds, origin)]),
      ]);
      if (changed !== null) logger.info({ userId, verified }, 'verification status changed');
    };
  return eventConsumer({
    name: 'accounts.verification-outcomes',
    transactions,
    handlers: (on) => [
      on(VerificationEvents.approved, handle(true)),
      on(VerificationEvents.requested, handle(false)),
      on(VerificationEvents.rejected, handle(false)),
    ],
  });
}
