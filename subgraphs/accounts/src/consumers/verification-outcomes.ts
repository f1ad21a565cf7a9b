import { Events, type ConsumerDefinition, type EventData, type HandlerContext, type TransactionRunner } from '#kit';
import type { AccountsTransaction } from '../database.js';
import { userUpdated } from './account-service.js';
import { accessRevoked } from './access-revocation.js';
import type { UserStore } from './user-store.js';

type Outcome = EventData<typeof Events.verificationApproved | typeof Events.verificationRequested | typeof Events.verificationRejected>;

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
  const handle = (verified: boolean) => async (data: unknown, { transaction, envelope, logger }: HandlerContext<AccountsTransaction>) => {
    const { userId } = data as Outcome;
    const origin = { source: 'accounts', correlationId: envelope.correlationId };
    const changed = await users.setVerified(userId, verified, transaction, (user) => [
      userUpdated(user, ['verified'], origin),
      ...(verified ? [] : [accessRevoked(user, 'VERIFICATION_WITHDRAWN', new Date(), accessTokenTtlSeconds, origin)]),
    ]);
    if (changed !== null) logger.info({ userId, verified }, 'verification status changed');
  };
  return {
    name: 'accounts.verification-outcomes',
    topics: [Events.verificationApproved.topic],
    transactions,
    handlers: {
      [Events.verificationApproved.type]: handle(true),
      [Events.verificationRequested.type]: handle(false),
      [Events.verificationRejected.type]: handle(false),
    },
  };
}
