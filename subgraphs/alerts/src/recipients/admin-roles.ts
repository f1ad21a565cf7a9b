import { Events, Role, Topic, type ConsumerDefinition, type EventData, type EventHandlers, type HandlerContext, type TransactionRunner } from '#kit';
import type { AlertsTransaction } from '../database.js';
import { recordAdminRole } from './admin-role-store.js';

type UserRoles = EventData<typeof Events.userCreated>;

/**
 * Learns who is an admin from accounts' user events, so that escalation policies name only
 * admins and a user who stops being one (a role removed, an account deleted) hears no more.
 * Like every consumer it reads the topic from the beginning, so admins created before alerts
 * first ran are known too.
 */
export function adminRoleConsumer(transactions: TransactionRunner<AlertsTransaction>): ConsumerDefinition {
  const fromRoles = async (data: UserRoles, { transaction, envelope }: HandlerContext<unknown>) =>
    recordAdminRole(transaction as AlertsTransaction, data.userId, data.roles.includes(Role.ADMIN), envelope.time);
  const handlers: EventHandlers<unknown> = {
    [Events.userCreated.type]: (data: unknown, context: HandlerContext<unknown>) => fromRoles(data as UserRoles, context),
    [Events.userUpdated.type]: (data: unknown, context: HandlerContext<unknown>) => fromRoles(data as UserRoles, context),
    [Events.userDeleted.type]: (data: unknown, { transaction, envelope }: HandlerContext<unknown>) =>
      recordAdminRole(transaction as AlertsTransaction, (data as EventData<typeof Events.userDeleted>).userId, false, envelope.time),
  };
  return { name: 'alerts.admin-roles', topics: [Topic.USER], transactions, handlers };
}
