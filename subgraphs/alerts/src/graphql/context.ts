import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { AlertService } from '../alerts/alert-service.js';
import type { AlertStores } from '../alerts/alert-service.js';
import type { AlertRow, AlertRuleRow, EscalationPolicyRow } from '../database.js';

export interface AlertsContext extends RequestContext {
  readonly service: AlertService;
  /** Batch `alert`, `_entities` and the rule and policy behind each alert into one query per kind per request. */
  readonly alertById: DataLoader<string, AlertRow | null>;
  readonly ruleById: DataLoader<string, AlertRuleRow | null>;
  readonly policyById: DataLoader<string, EscalationPolicyRow | null>;
}

function loader<Row extends { id: string }>(find: (ids: readonly string[]) => Promise<Row[]>): DataLoader<string, Row | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await find([...ids])).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

export function loaders(stores: AlertStores) {
  return {
    alertById: loader(stores.alerts.findByIds),
    ruleById: loader(stores.rules.findByIds),
    policyById: loader(stores.policies.findByIds),
  };
}
