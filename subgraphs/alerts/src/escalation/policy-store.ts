import { randomUUID } from 'node:crypto';
import type { AlertsDatabase } from '../database.js';
import type { EscalationLevel } from '../rules/rule-input.js';

/** Escalation policies; their levels are stored as JSON. */
export function policyStore(client: AlertsDatabase) {
  return {
    newestFirst: () => client.escalationPolicy.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    findByIds: (ids: readonly string[]) => client.escalationPolicy.findMany({ where: { id: { in: [...ids] } } }),
    create: (name: string, levels: readonly EscalationLevel[]) =>
      client.escalationPolicy.create({ data: { id: randomUUID(), name, levels: levels as unknown as object } }),
    exists: async (id: string) => (await client.escalationPolicy.count({ where: { id } })) > 0,
  };
}

export type PolicyStore = ReturnType<typeof policyStore>;
