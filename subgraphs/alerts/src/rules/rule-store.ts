import { randomUUID } from 'node:crypto';
import type { AlertRuleKind, AlertRuleRow, AlertsDatabase, AlertsTransaction, EscalationPolicyRow } from '../database.js';
import type { RuleSettings } from './rule-input.js';

export type RuleWithPolicy = AlertRuleRow & { escalationPolicy: EscalationPolicyRow | null };

/** Alert rules: what an admin configured, and what the evaluator reads under a lock. */
export function ruleStore(client: AlertsDatabase) {
  return {
    newestFirst: () => client.alertRule.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    findById: (id: string) => client.alertRule.findUnique({ where: { id } }),
    findByIds: (ids: readonly string[]) => client.alertRule.findMany({ where: { id: { in: [...ids] } } }),
    create: (settings: RuleSettings, createdBy: string) => client.alertRule.create({ data: { id: randomUUID(), ...settings, createdBy } }),
    update: (id: string, settings: RuleSettings) => client.alertRule.update({ where: { id }, data: settings }),
    async enabledIds(): Promise<string[]> {
      const rules = await client.alertRule.findMany({ where: { enabled: true }, select: { id: true } });
      return rules.map((rule) => rule.id);
    },
  };
}

export type RuleStore = ReturnType<typeof ruleStore>;

/** The enabled rules of these kinds, in id order (the order their locks are taken in). */
export async function enabledRuleIdsOfKinds(tx: AlertsTransaction, kinds: readonly AlertRuleKind[]): Promise<string[]> {
  const rules = await tx.alertRule.findMany({
    where: { kind: { in: [...kinds] }, enabled: true },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return rules.map((rule) => rule.id);
}

/** Reads a rule with its policy and locks its row until `tx` ends. */
export async function lockRule(tx: AlertsTransaction, id: string): Promise<RuleWithPolicy | null> {
  await tx.$queryRawUnsafe('select id from alert_rules where id = $1::uuid for update', id);
  return tx.alertRule.findUnique({ where: { id }, include: { escalationPolicy: true } });
}
