import { invalidInput, isUuid, type FieldProblem } from '#kit';
import type { AlertRuleKind, AlertSeverity } from '../database.js';
import { defaultClearThreshold, ruleKinds } from './rule-kinds.js';

export interface RuleSettingsInput {
  name?: string | null;
  severity?: AlertSeverity | null;
  threshold?: number | null;
  clearThreshold?: number | null;
  windowMinutes?: number | null;
  enabled?: boolean | null;
  escalationPolicyId?: string | null;
}

export interface RuleSettings {
  name: string;
  kind: AlertRuleKind;
  severity: AlertSeverity;
  threshold: number;
  clearThreshold: number;
  windowMinutes: number;
  enabled: boolean;
  escalationPolicyId: string | null;
}

export const MAX_WINDOW_MINUTES = 1_440;

/**
 * Merges an input over a rule's current settings (none for a new rule) and checks the result:
 * a window of 1 to 1440 whole minutes, a threshold the kind can reach, and a hysteresis band on
 * the clearing side of the threshold. Every problem is reported at once.
 */
export function ruleSettings(kind: AlertRuleKind, input: RuleSettingsInput, current?: RuleSettings): RuleSettings {
  const problems: FieldProblem[] = [];
  const spec = ruleKinds[kind];
  const name = (input.name ?? current?.name ?? '').trim();
  if (name.length < 1 || name.length > 120) problems.push({ field: 'input.name', message: 'must be 1 to 120 characters' });
  const windowMinutes = input.windowMinutes ?? current?.windowMinutes ?? Number.NaN;
  if (!Number.isInteger(windowMinutes) || windowMinutes < 1 || windowMinutes > MAX_WINDOW_MINUTES) {
    problems.push({ field: 'input.windowMinutes', message: `must be a whole number of minutes from 1 to ${MAX_WINDOW_MINUTES}` });
  }
  const threshold = input.threshold ?? current?.threshold ?? Number.NaN;
  if (
    !Number.isFinite(threshold) ||
    threshold < spec.minThreshold ||
    threshold > spec.maxThreshold ||
    (spec.integral && !Number.isInteger(threshold))
  ) {
    problems.push({ field: 'input.threshold', message: thresholdRule(kind) });
  }
  // A new threshold without a band gets the default band again, so an update cannot leave a stale one behind.
  const clearThreshold =
    input.clearThreshold ??
    (input.threshold === undefined || input.threshold === null ? current?.clearThreshold : undefined) ??
    defaultClearThreshold(kind, threshold);
  if (Number.isFinite(threshold) && !problems.some((problem) => problem.field === 'input.threshold')) {
    const valid = spec.direction === 'RISING' ? clearThreshold >= 0 && clearThreshold < threshold : clearThreshold > threshold;
    if (!Number.isFinite(clearThreshold) || !valid) {
      problems.push({
        field: 'input.clearThreshold',
        message: spec.direction === 'RISING' ? 'must be at least 0 and below the threshold' : 'must be above the threshold',
      });
    }
  }
  const escalationPolicyId = input.escalationPolicyId === undefined ? (current?.escalationPolicyId ?? null) : input.escalationPolicyId;
  if (escalationPolicyId !== null && !isUuid(escalationPolicyId))
    problems.push({ field: 'input.escalationPolicyId', message: 'is not an escalation policy id' });
  if (problems.length > 0) throw invalidInput(problems);
  return {
    name,
    kind,
    severity: input.severity ?? current?.severity ?? 'WARNING',
    threshold,
    clearThreshold,
    windowMinutes,
    enabled: input.enabled ?? current?.enabled ?? true,
    escalationPolicyId,
  };
}

function thresholdRule(kind: AlertRuleKind): string {
  if (kind === 'PAYMENT_FAILURE_RATE') return 'must be a percentage above 0 and at most 100';
  if (kind === 'LOW_STOCK') return 'must be a whole number of cylinders, 0 or more';
  return 'must be a whole count of at least 1';
}

export interface EscalationLevel {
  recipientUserIds: string[];
  acknowledgeWithinMinutes: number;
}

/** 1 to 5 levels, each with 1 to 20 distinct user ids and 1 to 1440 minutes to acknowledge. */
export function escalationLevels(name: string, levels: readonly EscalationLevel[]): { name: string; levels: EscalationLevel[] } {
  const problems: FieldProblem[] = [];
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 120) problems.push({ field: 'input.name', message: 'must be 1 to 120 characters' });
  if (levels.length < 1 || levels.length > 5) problems.push({ field: 'input.levels', message: 'must hold 1 to 5 levels' });
  levels.forEach((level, index) => {
    const ids = level.recipientUserIds;
    if (ids.length < 1 || ids.length > 20 || !ids.every(isUuid) || new Set(ids).size !== ids.length) {
      problems.push({ field: `input.levels.${index}.recipientUserIds`, message: 'must be 1 to 20 distinct user ids' });
    }
    const minutes = level.acknowledgeWithinMinutes;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_WINDOW_MINUTES) {
      problems.push({ field: `input.levels.${index}.acknowledgeWithinMinutes`, message: `must be 1 to ${MAX_WINDOW_MINUTES}` });
    }
  });
  if (problems.length > 0) throw invalidInput(problems);
  return {
    name: trimmed,
    levels: levels.map((level) => ({
      recipientUserIds: [...level.recipientUserIds],
      acknowledgeWithinMinutes: level.acknowledgeWithinMinutes,
    })),
  };
}
