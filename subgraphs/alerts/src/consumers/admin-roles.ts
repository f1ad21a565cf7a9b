import { eventConsumer, Role, type ConsumerDefinition, type EventData, type HandlerContext, type TransactionRunner } from '#kit';
import { UserEvents } from '../../../accounts/src/events/index.js';
import type { AlertsTransaction } from '../database.js';
import { recordAdminRole } from '../recipients/admin-role-store.js';

type UserRoles = EventData<typeof UserEvents.created>;

/**
 * Learns who is an admin from accounts' user events, so that escalation policies name only
 * admins and a user who stops being one (a role removed, an account deleted) hears no more.
 * Like every consumer it reads the topic from the beginning, so admins created before alerts
 * first ran are known too.
 */
export function adminRoleConsumer(transactions: TransactionRunner<AlertsTransaction>): ConsumerDefinition {
  const fromRoles = async (data: UserRoles, { transaction, envelope }: HandlerContext<AlertsTransaction>) =>
    recordAdminRole(transaction, data.userId, data.roles.includes(Role.ADMIN), envelope.time);
  return eventConsumer({
    name: 'alerts.admin-roles',
    transactions,
    handlers: (on) => [
      on(UserEvents.created, fromRoles),
      on(UserEvents.updated, fromRoles),
      on(UserEvents.deleted, (data, { transaction, envelope }) => recordAdminRole(transaction, data.userId, false, envelope.time)),
    ],
  });
}
