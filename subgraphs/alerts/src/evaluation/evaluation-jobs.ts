import { randomUUID } from 'node:crypto';
import type { Logger, ScheduledJob } from '#kit';
import type { AlertsDatabase } from '../database.js';
import { alertWithPolicy, lockDueForEscalation } from '../alerts/alert-store.js';
import { escalate } from '../escalation/escalation.js';
import type { RuleStore } from '../rules/rule-store.js';
import type { RuleEvaluator } from './rule-evaluator.js';

const ESCALATION_BATCH = 50;

/**
 * Time moves conditions too: an order becomes unconfirmed-for-too-long with no event, and a
 * window slides past a burst. This job evaluates every enabled rule, each in its own
 * transaction, on a timer.
 */
export function evaluationJob(client: AlertsDatabase, rules: RuleStore, evaluator: RuleEvaluator, intervalMs: number): ScheduledJob {
  return {
    name: 'alerts.evaluation',
    intervalMs,
    async run() {
      const origin = { source: 'alerts', correlationId: randomUUID() };
      for (const ruleId of await rules.enabledIds()) await client.$transaction((tx) => evaluator.evaluate(tx, ruleId, new Date(), origin));
    },
  };
}

/** Tells the next level of the policy about open alerts nobody acknowledged in time. SKIP LOCKED lets every instance run it. */
export function escalationJob(client: AlertsDatabase, logger: Logger, intervalMs: number): ScheduledJob {
  return {
    name: 'alerts.escalation',
    intervalMs,
    async run() {
      const origin = { source: 'alerts', correlationId: randomUUID() };
      for (;;) {
        const escalated = await client.$transaction(async (tx) => {
          const due = await lockDueForEscalation(tx, ESCALATION_BATCH);
          for (const id of due) {
            const alert = await alertWithPolicy(tx, id);
            const updated = await escalate(tx, alert, alert.rule, alert.rule.escalationPolicy, new Date(), origin, logger);
            logger.warn({ alertId: id, level: updated.escalationLevel }, 'alert escalated: nobody acknowledged it in time');
          }
          return due.length;
        });
        if (escalated < ESCALATION_BATCH) return;
      }
    },
  };
}
