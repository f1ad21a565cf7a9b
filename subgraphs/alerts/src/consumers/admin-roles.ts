import { eventConsumer, Role, type ConsumerDefinition, type EventData, type HandlerContext, type TransactionRunner } from '#kit';
import type { AlertsTransaction } from '../database.js';
import { UserEvents } from '../../../accounts/src/events/index.js';

type UserRoles = EventData<typeof UserEvents.created>;

/** The part of the alerts database that can answer "is this user an admin now?". */
type AdminRoleReader = Pick<AlertsTransaction, 'adminRole'>;

/** The given users who are admins now, as far as alerts has heard. An unknown user is no admin. */
export async function adminsAmong(reader: AdminRoleReader, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await reader.adminRole.findMany({ where: { userId: { in: [...userIds] }, admin: true }, select: { userId: true } });
  return new Set(rows.map((row) => row.userId));
}

/** Records what one user event says about the user's admin role; an older event never replaces a newer one. */
async function recordRole(tx: AlertsTransaction, userId: string, admin: boolean, at: string): Promise<void> {
  await tx.$executeRaw`
    insert into admin_roles (user_id, admin, updated_at) values (${userId}::uuid, ${admin}, ${at}::timestamptz)
    on conflict (user_id) do update set admin = excluded.admin, updated_at = excluded.updated_at
    where admin_roles.updated_at <= excluded.updated_at`;
}

/**
 * Learns who is an admin from accounts' user events, so that escalation policies name only
 * admins and a user who stops being one (a role removed, an account deleted) hears no more.
 * Like every consumer it reads the topic from the beginning, so admins created before alerts
 * first ran are known too.
 */
export function adminRoleConsumer(transactions: TransactionRunner<AlertsTransaction>): ConsumerDefinition {
  const fromRoles = async (data: UserRoles, { transaction, envelope }: HandlerContext<AlertsTransaction>) =>
    recordRole(transaction, data.userId, data.roles.includes(Role.ADMIN), envelope.time);
  return eventConsumer({
    name: 'alerts.admin-roles',
    transactions,
    handlers: (on) => [
      on(UserEvents.created, fromRoles),
      on(UserEvents.updated, fromRoles),
      on(UserEvents.deleted, (data, { transaction, envelope }) => recordRole(transaction, data.userId, false, envelope.time)),
    ],
  });
}
