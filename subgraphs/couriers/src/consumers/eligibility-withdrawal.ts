import { eventConsumer, Role, type ConsumerDefinition, type HandlerContext, type TransactionRunner } from '#kit';
import type { CourierProfileStore, CouriersTransaction } from '../profiles/profile-store.js';
import { UserEvents } from '../../../accounts/src/events/index.js';
import { VerificationEvents } from '../../../verification/src/events/index.js';

/**
 * Going online checks the role and the `verified` claim only at that moment. A courier whose
 * verification is reopened or rejected, or who loses the courier role, is taken offline here
 * instead of staying available until they switch off themselves, and tokens issued before this
 * moment no longer put them online. (Approval never puts anyone online: that stays the
 * courier's own decision.)
 */
export function eligibilityWithdrawalConsumer(
  profiles: CourierProfileStore,
  transactions: TransactionRunner<CouriersTransaction>,
): ConsumerDefinition {
  const takeOffline = async (userId: string, reason: string, { transaction, envelope, logger }: HandlerContext<CouriersTransaction>) => {
    if (await profiles.withdrawEligibility(userId, new Date(envelope.time), transaction)) {
      logger.info({ courierId: userId, reason }, 'courier taken offline');
    }
  };
  return eventConsumer({
    name: 'couriers.eligibility-withdrawals',
    transactions,
    handlers: (on) => [
      on(VerificationEvents.requested, async (data, context) => {
        const { userId, role } = data;
        if (role === Role.COURIER) await takeOffline(userId, 'verification reopened', context);
      }),
      on(VerificationEvents.rejected, async (data, context) => {
        const { userId, role } = data;
        if (role === Role.COURIER) await takeOffline(userId, 'verification rejected', context);
      }),
      on(UserEvents.updated, async (data, context) => {
        const { userId, roles, changed } = data;
        if (changed.includes('roles') && !roles.includes(Role.COURIER)) await takeOffline(userId, 'courier role removed', context);
      }),
    ],
  });
}
