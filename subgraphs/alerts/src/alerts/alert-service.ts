import {
  appError,
  ErrorCode,
  invalidInput,
  notFound,
  recordEvents,
  requireRole,
  Role,
  type EventOrigin,
  type KeysetCursor,
  type Viewer,
} from '#kit';
import type { AlertRow, AlertRuleKind, AlertRuleRow, AlertStatus, AlertsTransaction, EscalationPolicyRow } from '../database.js';
import type { PolicyStore } from '../escalation/policy-store.js';
import { adminsAmong, type AdminRoleReader } from '../recipients/admin-role-store.js';
import { escalationLevels, ruleSettings, type EscalationLevel, type RuleSettingsInput } from '../rules/rule-input.js';
import type { RuleStore } from '../rules/rule-store.js';
import { alertAcknowledgedEvent, alertResolvedEvent } from './alert-events.js';
import { acknowledgeAlert, lockAlert, resolveAlert, type AlertStore, type AlertWithRule } from './alert-store.js';

export interface AlertStores {
  rules: RuleStore;
  policies: PolicyStore;
  alerts: AlertStore;
  /** Who is an admin, read outside any transaction. */
  adminRoles: AdminRoleReader;
}

/** Everything an admin does with rules, policies and alerts. Every operation needs ADMIN with MFA. */
export class AlertService {
  constructor(private readonly stores: AlertStores) {}

  rules(viewer: Viewer | null): Promise<AlertRuleRow[]> {
    requireRole(viewer, Role.ADMIN);
    return this.stores.rules.newestFirst();
  }

  async createRule(viewer: Viewer | null, input: RuleSettingsInput & { kind: AlertRuleKind }): Promise<AlertRuleRow> {
    const admin = requireRole(viewer, Role.ADMIN);
    const settings = ruleSettings(input.kind, input);
    await this.requirePolicy(settings.escalationPolicyId);
    return this.stores.rules.create(settings, admin.userId);
  }

  async updateRule(viewer: Viewer | null, id: string, input: RuleSettingsInput): Promise<AlertRuleRow> {
    requireRole(viewer, Role.ADMIN);
    const current = await this.stores.rules.findById(id);
    if (current === null) throw notFound('The alert rule');
    const settings = ruleSettings(current.kind, input, current);
    await this.requirePolicy(settings.escalationPolicyId);
    return this.stores.rules.update(id, settings);
  }

  policies(viewer: Viewer | null): Promise<EscalationPolicyRow[]> {
    requireRole(viewer, Role.ADMIN);
    return this.stores.policies.newestFirst();
  }

  async createPolicy(viewer: Viewer | null, input: { name: string; levels: EscalationLevel[] }): Promise<EscalationPolicyRow> {
    requireRole(viewer, Role.ADMIN);
    const policy = escalationLevels(input.name, input.levels);
    await this.requireAdminRecipients(policy.levels);
    return this.stores.policies.create(policy.name, policy.levels);
  }

  /**
   * Alerts tell of other people's orders, stock and payments: only admins may hear them. A
   * recipient alerts has not heard of as an admin (a customer, another supplier, a typo) is
   * named in the error.
   */
  private async requireAdminRecipients(levels: readonly EscalationLevel[]): Promise<void> {
    const admins = await adminsAmong(
      this.stores.adminRoles,
      levels.flatMap((level) => level.recipientUserIds),
    );
    const problems = levels.flatMap((level, index) =>
      level.recipientUserIds
        .filter((userId) => !admins.has(userId))
        .map((userId) => ({
          field: `input.levels.${index}.recipientUserIds`,
          message: `user ${userId} is not an admin; only admins receive alerts`,
        })),
    );
    if (problems.length > 0) throw invalidInput(problems);
  }

  alerts(viewer: Viewer | null, status: AlertStatus | null, first: number, after: KeysetCursor | undefined) {
    requireRole(viewer, Role.ADMIN);
    return this.stores.alerts.page(status, first, after);
  }

  visible(viewer: Viewer | null): void {
    requireRole(viewer, Role.ADMIN);
  }

  /** OPEN becomes ACKNOWLEDGED and escalation stops; acknowledging again changes nothing. */
  acknowledge(viewer: Viewer | null, id: string, origin: EventOrigin): Promise<AlertRow> {
    const admin = requireRole(viewer, Role.ADMIN);
    return this.stores.alerts.inTransaction(async (tx) => {
      const alert = await this.lockAlert(tx, id);
      if (alert.status === 'ACKNOWLEDGED') return alert;
      if (alert.status === 'RESOLVED') throw appError(ErrorCode.CONFLICT, 'This alert is already resolved.');
      const now = new Date();
      const updated = await acknowledgeAlert(tx, id, admin.userId, now);
      await recordEvents(tx, [alertAcknowledgedEvent(origin, updated, alert.rule, admin.userId, now)]);
      return updated;
    });
  }

  /** Resolves by hand; resolving again changes nothing. */
  resolve(viewer: Viewer | null, id: string, origin: EventOrigin): Promise<AlertRow> {
    const admin = requireRole(viewer, Role.ADMIN);
    return this.stores.alerts.inTransaction(async (tx) => {
      const alert = await this.lockAlert(tx, id);
      if (alert.status === 'RESOLVED') return alert;
      const now = new Date();
      const updated = await resolveAlert(tx, id, admin.userId, now);
      await recordEvents(tx, [alertResolvedEvent(origin, updated, alert.rule, admin.userId, now)]);
      return updated;
    });
  }

  private async lockAlert(tx: AlertsTransaction, id: string): Promise<AlertWithRule> {
    const alert = await lockAlert(tx, id);
    if (alert === null) throw notFound('The alert');
    return alert;
  }

  private async requirePolicy(id: string | null): Promise<void> {
    if (id === null) return;
    if (!(await this.stores.policies.exists(id))) {
      throw invalidInput([{ field: 'input.escalationPolicyId', message: 'no escalation policy has this id' }]);
    }
  }
}
