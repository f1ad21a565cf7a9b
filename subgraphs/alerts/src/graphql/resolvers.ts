import { connection, decodeCursor, isUuid, notFound, pageSize, type EventOrigin } from '#kit';
import type { AlertRow, AlertRuleKind, AlertRuleRow, AlertStatus, EscalationPolicyRow } from '../database.js';
import { policyLevels } from '../escalation/escalation.js';
import type { EscalationLevel, RuleSettingsInput } from '../rules/rule-input.js';
import type { AlertsContext } from './context.js';

const origin = (context: AlertsContext): EventOrigin => ({ source: 'alerts', correlationId: context.correlationId });
const user = (id: string | null) => (id === null ? null : { __typename: 'User', id });
const iso = (date: Date | null) => date?.toISOString() ?? null;
/** A malformed id cannot name anything: it is answered like a missing one. */
const known = (id: string) => {
  if (!isUuid(id)) throw notFound('The alert');
  return id;
};

export const resolvers = {
  Query: {
    alertRules: (_root: unknown, _args: unknown, context: AlertsContext) => context.service.rules(context.viewer),
    escalationPolicies: (_root: unknown, _args: unknown, context: AlertsContext) => context.service.policies(context.viewer),
    alerts: async (
      _root: unknown,
      args: { status?: AlertStatus | null; first?: number | null; after?: string | null },
      context: AlertsContext,
    ) => {
      const page = await context.service.alerts(context.viewer, args.status ?? null, pageSize(args.first), decodeCursor(args.after));
      return connection(page.nodes, page.hasNextPage, page.totalCount);
    },
    alert: (_root: unknown, { id }: { id: string }, context: AlertsContext) => {
      context.service.visible(context.viewer);
      return isUuid(id) ? context.alertById.load(id) : null;
    },
  },
  Mutation: {
    createAlertRule: (_root: unknown, { input }: { input: RuleSettingsInput & { kind: AlertRuleKind } }, context: AlertsContext) =>
      context.service.createRule(context.viewer, input),
    updateAlertRule: (_root: unknown, { id, input }: { id: string; input: RuleSettingsInput }, context: AlertsContext) =>
      context.service.updateRule(context.viewer, isUuid(id) ? id : known(id), input),
    createEscalationPolicy: (_root: unknown, { input }: { input: { name: string; levels: EscalationLevel[] } }, context: AlertsContext) =>
      context.service.createPolicy(context.viewer, input),
    acknowledgeAlert: (_root: unknown, { id }: { id: string }, context: AlertsContext) =>
      context.service.acknowledge(context.viewer, known(id), origin(context)),
    resolveAlert: (_root: unknown, { id }: { id: string }, context: AlertsContext) =>
      context.service.resolve(context.viewer, known(id), origin(context)),
  },
  Alert: {
    __resolveReference: (reference: { id: string }, context: AlertsContext) => {
      context.service.visible(context.viewer);
      return isUuid(reference.id) ? context.alertById.load(reference.id) : null;
    },
    rule: (alert: AlertRow, _args: unknown, context: AlertsContext) => context.ruleById.load(alert.ruleId),
    triggeredAt: (alert: AlertRow) => alert.triggeredAt.toISOString(),
    acknowledgedAt: (alert: AlertRow) => iso(alert.acknowledgedAt),
    acknowledgedBy: (alert: AlertRow) => user(alert.acknowledgedBy),
    resolvedAt: (alert: AlertRow) => iso(alert.resolvedAt),
    resolvedBy: (alert: AlertRow) => user(alert.resolvedBy),
    nextEscalationAt: (alert: AlertRow) => iso(alert.nextEscalationAt),
  },
  AlertRule: {
    __resolveReference: (reference: { id: string }, context: AlertsContext) => {
      context.service.visible(context.viewer);
      return isUuid(reference.id) ? context.ruleById.load(reference.id) : null;
    },
    escalationPolicy: (rule: AlertRuleRow, _args: unknown, context: AlertsContext) =>
      rule.escalationPolicyId === null ? null : context.policyById.load(rule.escalationPolicyId),
    createdAt: (rule: AlertRuleRow) => rule.createdAt.toISOString(),
    updatedAt: (rule: AlertRuleRow) => rule.updatedAt.toISOString(),
  },
  EscalationPolicy: {
    levels: (policy: EscalationPolicyRow) =>
      policyLevels(policy).map((level, index) => ({
        level: index + 1,
        recipients: level.recipientUserIds.map(user),
        acknowledgeWithinMinutes: level.acknowledgeWithinMinutes,
      })),
    createdAt: (policy: EscalationPolicyRow) => policy.createdAt.toISOString(),
  },
};
