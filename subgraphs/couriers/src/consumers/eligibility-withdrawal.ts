import { Events, Role, type ConsumerDefinition, type EventData, type HandlerContext, type TransactionRunner } from '#kit';
import type { CourierProfileStore, CouriersTransaction } from './profile-store.js';

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
  const takeOffline = async (userId: string, reason: string, { transaction, envelope, logger }: HandlerContext<unknown>) => {
    if (await profiles.withdrawEligibility(userId, new Date(envelope.time), transaction as CouriersTransaction)) {
      logger.info({ courierId: userId, reason }, 'courier taken offline');
    }
  };
  return {
    name: 'couriers.eligibility-withdrawals',
    topics: [Events.verificationRequested.topic, Events.userUpdated.topic],
    transactions,
    handlers: {
      [Events.verificationRequested.type]: async (data, context) => {
        const { userId, role } = data as EventData<typeof Events.verificationRequested>;
        if (role === Role.COURIER) await takeOffline(userId, 'verification reopened', context);
      },
      [Events.verificationRejected.type]: async (data, context) => {
        const { userId, role } = data as EventData<typeof Events.verificationRejected>;
        if (role === Role.COURIER) await takeOffline(userId, 'verification rejected', context);
      },
      [Events.userUpdated.type]: async (data, context) => {
        const { userId, roles, changed } = data as EventData<typeof Events.userUpdated>;
        if (changed.includes('roles') && !roles.includes(Role.COURIER)) await takeOffline(userId, 'courier role removed', context);
      },
    },
  };
}
