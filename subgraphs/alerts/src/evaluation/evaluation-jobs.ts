import { randomUUID } from 'node:crypto';
import type { Logger, ScheduledJob } from '#kit';
import type { AlertsDatabase } from '../database.js';
import { escalate } from '../escalation/escalation.js';
import type { RuleEvaluator } from './rule-evaluator.js';

const ESCALATION_BATCH = 50;

/**
 * Time moves conditions too: an order becomes unconfirmed-for-too-long with no event, and a
 * window slides past a burst. This job evaluates every enabled rule, each in its own
 * transaction, on a timer.
 */
export function evaluationJob(client: AlertsDatabase, evaluator: RuleEvaluator, intervalMs: number): ScheduledJob {
  return {
    name: 'alerts.evaluation',
    intervalMs,
    async run() {
      const origin = { source: 'alerts', correlationId: randomUUID() };
      const rules = await client.alertRule.findMany({ where: { enabled: true }, select: { id: true } });
      for (const rule of rules) await client.$transaction((tx) => evaluator.evaluate(tx, rule.id, new Date(), origin));
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
          const due = await tx.$queryRawUnsafe<Array<{ id: string }>>(
            `select id from alerts where status = 'OPEN' and next_escalation_at <= now() order by next_escalation_at limit $1 for update skip locked`,
            ESCALATION_BATCH,
          );
          for (const { id } of due) {
            const alert = await tx.alert.findUniqueOrThrow({ where: { id }, include: { rule: { include: { escalationPolicy: true } } } });
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
