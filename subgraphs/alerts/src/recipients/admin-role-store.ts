import type { AlertsTransaction } from '../database.js';

/** The part of the alerts database that can answer "is this user an admin now?". */
export type AdminRoleReader = Pick<AlertsTransaction, 'adminRole'>;

/** The given users who are admins now, as far as alerts has heard. An unknown user is no admin. */
export async function adminsAmong(reader: AdminRoleReader, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await reader.adminRole.findMany({ where: { userId: { in: [...userIds] }, admin: true }, select: { userId: true } });
  return new Set(rows.map((row) => row.userId));
}

/** Records what one user event says about the user's admin role; an older event never replaces a newer one. */
export async function recordAdminRole(tx: AlertsTransaction, userId: string, admin: boolean, at: string): Promise<void> {
  await tx.$executeRaw`
    insert into admin_roles (user_id, admin, updated_at) values (${userId}::uuid, ${admin}, ${at}::timestamptz)
    on conflict (user_id) do update set admin = excluded.admin, updated_at = excluded.updated_at
    where admin_roles.updated_at <= excluded.updated_at`;
}
