import { pendingEvent, type EventOrigin, type PendingEvent } from '#kit';
import type { AlertRow, AlertRuleRow } from '../database.js';
import type { EscalationLevel } from '../rules/rule-input.js';
import { AlertEvents } from '../events/index.js';

export const alertTriggeredEvent = (origin: EventOrigin, alert: AlertRow, rule: AlertRuleRow): PendingEvent =>
  pendingEvent(AlertEvents.triggered, origin, alert.id, {
    alertId: alert.id,
    ruleId: rule.id,
    ruleName: rule.name,
    severity: alert.severity,
    summary: alert.summary,
    triggeredAt: alert.triggeredAt.toISOString(),
  });

export const alertEscalatedEvent = (
  origin: EventOrigin,
  alert: AlertRow,
  rule: AlertRuleRow,
  level: number,
  recipients: EscalationLevel,
  at: Date,
): PendingEvent =>
  pendingEvent(AlertEvents.escalated, origin, alert.id, {
    alertId: alert.id,
    ruleId: rule.id,
    ruleName: rule.name,
    severity: alert.severity,
    level,
    summary: alert.summary,
    recipientUserIds: recipients.recipientUserIds,
    escalatedAt: at.toISOString(),
  });

export const alertAcknowledgedEvent = (origin: EventOrigin, alert: AlertRow, rule: AlertRuleRow, by: string, at: Date): PendingEvent =>
  pendingEvent(AlertEvents.acknowledged, origin, alert.id, {
    alertId: alert.id,
    ruleId: rule.id,
    ruleName: rule.name,
    acknowledgedBy: by,
    acknowledgedAt: at.toISOString(),
  });

export const alertResolvedEvent = (origin: EventOrigin, alert: AlertRow, rule: AlertRuleRow, by: string | null, at: Date): PendingEvent =>
  pendingEvent(AlertEvents.resolved, origin, alert.id, {
    alertId: alert.id,
    ruleId: rule.id,
    ruleName: rule.name,
    resolvedAt: at.toISOString(),
    resolvedBy: by,
  });
