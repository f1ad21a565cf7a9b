import { randomUUID } from 'node:crypto';
import { newestFirstPage, pageOf, type KeysetCursor } from '#kit';
import type { AlertRow, AlertRuleRow, AlertsDatabase, AlertStatus, AlertsTransaction, EscalationPolicyRow } from '../database.js';

export type AlertWithRule = AlertRow & { rule: AlertRuleRow };
export type AlertWithPolicy = AlertRow & { rule: AlertRuleRow & { escalationPolicy: EscalationPolicyRow | null } };
export type NewAlert = Pick<AlertRow, 'ruleId' | 'key' | 'severity' | 'summary' | 'triggerValue' | 'lastValue' | 'triggeredAt'>;

/** Alerts as admins read them; the writes happen in the callers' transactions (the functions below). */
export function alertStore(client: AlertsDatabase) {
  return {
    findByIds: (ids: readonly string[]) => client.alert.findMany({ where: { id: { in: [...ids] } } }),
    async page(status: AlertStatus | null, first: number, after: KeysetCursor | undefined) {
      const filter = status === null ? {} : { status };
      const [rows, totalCount] = await Promise.all([
        client.alert.findMany(newestFirstPage(filter, after, first)),
        client.alert.count({ where: filter }),
      ]);
      return { ...pageOf(rows, first), totalCount };
    },
    inTransaction: <Result>(work: (tx: AlertsTransaction) => Promise<Result>): Promise<Result> => client.$transaction(work),
  };
}

export type AlertStore = ReturnType<typeof alertStore>;

/** Reads an alert with its rule and locks its row until `tx` ends. */
export async function lockAlert(tx: AlertsTransaction, id: string): Promise<AlertWithRule | null> {
  await tx.$queryRawUnsafe('select id from alerts where id = $1::uuid for update', id);
  return tx.alert.findUnique({ where: { id }, include: { rule: true } });
}

export const acknowledgeAlert = (tx: AlertsTransaction, id: string, by: string, at: Date) =>
  tx.alert.update({ where: { id }, data: { status: 'ACKNOWLEDGED', acknowledgedAt: at, acknowledgedBy: by, nextEscalationAt: null } });

/** Resolves an alert, by an admin or (`by` null) because its condition cleared at `lastValue`. */
export const resolveAlert = (tx: AlertsTransaction, id: string, by: string | null, at: Date, lastValue?: number) =>
  tx.alert.update({
    where: { id },
    data: { status: 'RESOLVED', resolvedAt: at, resolvedBy: by, nextEscalationAt: null, ...(lastValue === undefined ? {} : { lastValue }) },
  });

/** The rule's alerts not yet resolved. */
export const unresolvedAlerts = (tx: AlertsTransaction, ruleId: string) =>
  tx.alert.findMany({ where: { ruleId, status: { not: 'RESOLVED' } } });

export const createAlert = (tx: AlertsTransaction, alert: NewAlert) => tx.alert.create({ data: { id: randomUUID(), ...alert } });

export const recordLastValue = (tx: AlertsTransaction, id: string, lastValue: number) =>
  tx.alert.update({ where: { id }, data: { lastValue } });

export const recordEscalation = (tx: AlertsTransaction, id: string, escalationLevel: number, nextEscalationAt: Date | null) =>
  tx.alert.update({ where: { id }, data: { escalationLevel, nextEscalationAt } });

export const stopEscalating = (tx: AlertsTransaction, id: string) => tx.alert.update({ where: { id }, data: { nextEscalationAt: null } });

/** The ids of up to `limit` open alerts due to escalate, locked; SKIP LOCKED lets every instance take its own. */
export async function lockDueForEscalation(tx: AlertsTransaction, limit: number): Promise<string[]> {
  const due = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `select id from alerts where status = 'OPEN' and next_escalation_at <= now() order by next_escalation_at limit $1 for update skip locked`,
    limit,
  );
  return due.map((row) => row.id);
}

export const alertWithPolicy = (tx: AlertsTransaction, id: string): Promise<AlertWithPolicy> =>
  tx.alert.findUniqueOrThrow({ where: { id }, include: { rule: { include: { escalationPolicy: true } } } });
