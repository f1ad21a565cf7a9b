import { recordEvents, type EventOrigin, type Logger } from '#kit';
import type { AlertRow, AlertRuleKind, AlertRuleRow, AlertsTransaction } from '../database.js';
import { alertResolvedEvent, alertTriggeredEvent } from '../alerts/alert-events.js';
import { createAlert, recordLastValue, resolveAlert, unresolvedAlerts } from '../alerts/alert-store.js';
import { escalate } from '../escalation/escalation.js';
import { judge, ruleKinds } from '../rules/rule-kinds.js';
import { enabledRuleIdsOfKinds, lockRule, type RuleWithPolicy } from '../rules/rule-store.js';
import { readCondition, type Reading } from './conditions.js';

export interface EvaluationOutcome {
  triggered: number;
  resolved: number;
}

const summaryOf = (rule: AlertRuleRow, key: string, reading: Reading, value: number) => {
  const subject = key === '' ? '' : `${reading.label ?? key}: `;
  return `${rule.name}: ${subject}${ruleKinds[rule.kind].describe(value, rule.windowMinutes)} (threshold ${rule.threshold})`;
};

/**
 * Evaluates rules against what the observations say now. Deduplication and hysteresis live
 * here: a breach opens an alert only when the rule has none unresolved for that key (the
 * partial unique index backs this up), further breaches update the open alert, and the alert
 * resolves only once the value crosses the clear threshold; between the two nothing changes.
 * Each rule is evaluated under a lock on its row, so the consumer and the scheduled job (on
 * any instance) never judge one rule at once.
 */
export class RuleEvaluator {
  constructor(
    private readonly minimumPayments: number,
    private readonly logger: Logger,
  ) {}

  /** Evaluates every enabled rule of these kinds, in the caller's transaction. */
  async evaluateKinds(tx: AlertsTransaction, kinds: readonly AlertRuleKind[], now: Date, origin: EventOrigin): Promise<void> {
    for (const ruleId of await enabledRuleIdsOfKinds(tx, kinds)) await this.evaluate(tx, ruleId, now, origin);
  }

  async evaluate(tx: AlertsTransaction, ruleId: string, now: Date, origin: EventOrigin): Promise<EvaluationOutcome> {
    const rule = await lockRule(tx, ruleId);
    const outcome = { triggered: 0, resolved: 0 };
    if (rule === null || !rule.enabled) return outcome;
    const open = new Map((await unresolvedAlerts(tx, ruleId)).map((alert) => [alert.key, alert]));
    const readings = await readCondition(tx, rule, now, [...open.keys()], this.minimumPayments);
    for (const key of new Set([...readings.keys(), ...open.keys()])) {
      const reading = readings.get(key) ?? { value: null };
      if (reading.value === null) continue;
      const alert = open.get(key);
      const verdict = judge(ruleKinds[rule.kind].direction, rule.threshold, rule.clearThreshold, reading.value);
      if (alert === undefined) {
        if (verdict !== 'BREACH') continue;
        await this.trigger(tx, rule, key, reading, reading.value, now, origin);
        outcome.triggered += 1;
      } else if (verdict === 'CLEAR') {
        await this.resolve(tx, alert, rule, reading.value, now, origin);
        outcome.resolved += 1;
      } else if (alert.lastValue !== reading.value && Number.isFinite(reading.value)) {
        await recordLastValue(tx, alert.id, reading.value);
      }
    }
    return outcome;
  }

  private async trigger(
    tx: AlertsTransaction,
    rule: RuleWithPolicy,
    key: string,
    reading: Reading,
    value: number,
    now: Date,
    origin: EventOrigin,
  ): Promise<void> {
    const alert = await createAlert(tx, {
      ruleId: rule.id,
      key,
      severity: rule.severity,
      summary: summaryOf(rule, key, reading, value),
      triggerValue: value,
      lastValue: value,
      triggeredAt: now,
    });
    await recordEvents(tx, [alertTriggeredEvent(origin, alert, rule)]);
    this.logger.warn({ alertId: alert.id, ruleId: rule.id, kind: rule.kind, key, value }, 'alert triggered');
    if (rule.escalationPolicy !== null) await escalate(tx, alert, rule, rule.escalationPolicy, now, origin, this.logger);
  }

  private async resolve(
    tx: AlertsTransaction,
    alert: AlertRow,
    rule: AlertRuleRow,
    value: number,
    now: Date,
    origin: EventOrigin,
  ): Promise<void> {
    const resolved = await resolveAlert(tx, alert.id, null, now, Number.isFinite(value) ? value : undefined);
    await recordEvents(tx, [alertResolvedEvent(origin, resolved, rule, null, now)]);
    this.logger.info({ alertId: alert.id, ruleId: rule.id, value }, 'alert resolved: the condition cleared');
  }
}
