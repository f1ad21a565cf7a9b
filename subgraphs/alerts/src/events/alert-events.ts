import { z } from 'zod';
import { defineEvent, eventTime } from '#kit';

export const ALERT_TOPIC = 'alert.events';

const severity = z.enum(['INFO', 'WARNING', 'CRITICAL']);
const alert = { topic: ALERT_TOPIC, version: 1, producer: 'alerts', key: 'alertId' } as const;

export const AlertEvents = {
  triggered: defineEvent({
    ...alert,
    type: 'alert.triggered',
    data: z.object({ alertId: z.uuid(), ruleId: z.uuid(), ruleName: z.string(), severity, summary: z.string(), triggeredAt: eventTime }),
  }),
  escalated: defineEvent({
    ...alert,
    type: 'alert.escalated',
    data: z.object({
      alertId: z.uuid(),
      ruleId: z.uuid(),
      ruleName: z.string(),
      severity,
      /** 1 when the policy's first level is told; each further level adds one. */
      level: z.number().int().min(1),
      summary: z.string(),
      recipientUserIds: z.array(z.uuid()),
      escalatedAt: eventTime,
    }),
  }),
  acknowledged: defineEvent({
    ...alert,
    type: 'alert.acknowledged',
    data: z.object({ alertId: z.uuid(), ruleId: z.uuid(), ruleName: z.string(), acknowledgedBy: z.uuid(), acknowledgedAt: eventTime }),
  }),
  resolved: defineEvent({
    ...alert,
    type: 'alert.resolved',
    /** resolvedBy: the admin who resolved it; null when the condition cleared by itself. */
    data: z.object({ alertId: z.uuid(), ruleId: z.uuid(), ruleName: z.string(), resolvedAt: eventTime, resolvedBy: z.uuid().nullable() }),
  }),
} as const;
