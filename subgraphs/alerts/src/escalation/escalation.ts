import { recordEvents, type EventOrigin, type Logger } from '#kit';
import type { AlertRow, AlertRuleRow, AlertsTransaction, EscalationPolicyRow } from '../database.js';
import { alertEscalatedEvent } from '../alerts/alert-events.js';
import { adminsAmong } from '../consumers/admin-roles.js';
import type { EscalationLevel } from '../rules/rule-input.js';

export const policyLevels = (policy: EscalationPolicyRow): EscalationLevel[] => policy.levels as unknown as EscalationLevel[];

/**
 * Tells the next level of the rule's policy about an open alert (alert.escalated, which the
 * notifications subgraph turns into messages), and schedules the one after it: the level just
 * told has its acknowledgeWithinMinutes to acknowledge. Recipients are checked again here: one
 * who stopped being an admin since the policy was saved is skipped and logged, and a level left
 * with nobody is passed over in silence (the next one still follows). Returns the alert as updated.
 */
export async function escalate(
  tx: AlertsTransaction,
  alert: AlertRow,
  rule: AlertRuleRow,
  policy: EscalationPolicyRow | null,
  now: Date,
  origin: EventOrigin,
  logger: Logger,
): Promise<AlertRow> {
  const levels = policy === null ? [] : policyLevels(policy);
  const level = alert.escalationLevel + 1;
  const told = levels[level - 1];
  if (told === undefined) return tx.alert.update({ where: { id: alert.id }, data: { nextEscalationAt: null } });
  const nextEscalationAt = level < levels.length ? new Date(now.getTime() + told.acknowledgeWithinMinutes * 60_000) : null;
  const updated = await tx.alert.update({ where: { id: alert.id }, data: { escalationLevel: level, nextEscalationAt } });
  const admins = await adminsAmong(tx, told.recipientUserIds);
  const skipped = told.recipientUserIds.filter((userId) => !admins.has(userId));
  if (skipped.length > 0) {
    logger.warn({ alertId: alert.id, policyId: policy?.id, level, skipped }, 'escalation recipients skipped: no longer admins');
  }
  const recipients = told.recipientUserIds.filter((userId) => admins.has(userId));
  if (recipients.length > 0) {
    await recordEvents(tx, [alertEscalatedEvent(origin, updated, rule, level, { ...told, recipientUserIds: recipients }, now)]);
  }
  return updated;
}
