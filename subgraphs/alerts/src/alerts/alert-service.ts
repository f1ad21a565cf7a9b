import { randomUUID } from 'node:crypto';
import { appError, ErrorCode, invalidInput, newestFirstPage, notFound, pageOf, recordEvents, requireRole, Role, type EventOrigin, type KeysetCursor, type Viewer } from '#kit';
import type { AlertRow, AlertRuleKind, AlertRuleRow, AlertsDatabase, AlertStatus, EscalationPolicyRow } from '../database.js';
import { escalationLevels, ruleSettings, type EscalationLevel, type RuleSettingsInput } from '../rules/rule-input.js';
import { alertAcknowledgedEvent, alertResolvedEvent } from './alert-events.js';
import { adminsAmong } from '../consumers/admin-roles.js';

/** Everything an admin does with rules, policies and alerts. Every operation needs ADMIN with MFA. */
export class AlertService {
  constructor(private readonly client: AlertsDatabase) {}

  rules(viewer: Viewer | null): Promise<AlertRuleRow[]> {
    requireRole(viewer, Role.ADMIN);
    return this.client.alertRule.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  async createRule(viewer: Viewer | null, input: RuleSettingsInput & { kind: AlertRuleKind }): Promise<AlertRuleRow> {
    const admin = requireRole(viewer, Role.ADMIN);
    const settings = ruleSettings(input.kind, input);
    await this.requirePolicy(settings.escalationPolicyId);
    return this.client.alertRule.create({ data: { id: randomUUID(), ...settings, createdBy: admin.userId } });
  }

  async updateRule(viewer: Viewer | null, id: string, input: RuleSettingsInput): Promise<AlertRuleRow> {
    requireRole(viewer, Role.ADMIN);
    const current = await this.client.alertRule.findUnique({ where: { id } });
    if (current === null) throw notFound('The alert rule');
    const settings = ruleSettings(current.kind, input, current);
    await this.requirePolicy(settings.escalationPolicyId);
    return this.client.alertRule.update({ where: { id }, data: settings });
  }

  policies(viewer: Viewer | null): Promise<EscalationPolicyRow[]> {
    requireRole(viewer, Role.ADMIN);
    return this.client.escalationPolicy.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  async createPolicy(viewer: Viewer | null, input: { name: string; levels: EscalationLevel[] }): Promise<EscalationPolicyRow> {
    requireRole(viewer, Role.ADMIN);
    const policy = escalationLevels(input.name, input.levels);
    await this.requireAdminRecipients(policy.levels);
    return this.client.escalationPolicy.create({ data: { id: randomUUID(), name: policy.name, levels: policy.levels as unknown as object } });
  }

  /**
   * Alerts tell of other people's orders, stock and payments: only admins may hear them. A
   * recipient alerts has not heard of as an admin (a customer, another supplier, a typo) is
   * named in the error.
   */
  private async requireAdminRecipients(levels: readonly EscalationLevel[]): Promise<void> {
    const admins = await adminsAmong(this.client, levels.flatMap((level) => level.recipientUserIds));
    const problems = levels.flatMap((level, index) =>
      level.recipientUserIds
        .filter((userId) => !admins.has(userId))
        .map((userId) => ({ field: `input.levels.${index}.recipientUserIds`, message: `user ${userId} is not an admin; only admins receive alerts` })),
    );
    if (problems.length > 0) throw invalidInput(problems);
  }

  async alerts(viewer: Viewer | null, status: AlertStatus | null, first: number, after: KeysetCursor | undefined) {
    requireRole(viewer, Role.ADMIN);
    const filter = status === null ? {} : { status };
    const [rows, totalCount] = await Promise.all([this.client.alert.findMany(newestFirstPage(filter, after, first)), this.client.alert.count({ where: filter })]);
    return { ...pageOf(rows, first), totalCount };
  }

  visible(viewer: Viewer | null): void {
    requireRole(viewer, Role.ADMIN);
  }

  /** OPEN becomes ACKNOWLEDGED and escalation stops; acknowledging again changes nothing. */
  acknowledge(viewer: Viewer | null, id: string, origin: EventOrigin): Promise<AlertRow> {
    const admin = requireRole(viewer, Role.ADMIN);
    return this.client.$transaction(async (tx) => {
      const alert = await this.lockAlert(tx, id);
      if (alert.status === 'ACKNOWLEDGED') return alert;
      if (alert.status === 'RESOLVED') throw appError(ErrorCode.CONFLICT, 'This alert is already resolved.');
      const now = new Date();
      const updated = await tx.alert.update({ where: { id }, data: { status: 'ACKNOWLEDGED', acknowledgedAt: now, acknowledgedBy: admin.userId, nextEscalationAt: null } });
      await recordEvents(tx, [alertAcknowledgedEvent(origin, updated, alert.rule, admin.userId, now)]);
      return updated;
    });
  }

  /** Resolves by hand; resolving again changes nothing. */
  resolve(viewer: Viewer | null, id: string, origin: EventOrigin): Promise<AlertRow> {
    const admin = requireRole(viewer, Role.ADMIN);
    return this.client.$transaction(async (tx) => {
      const alert = await this.lockAlert(tx, id);
      if (alert.status === 'RESOLVED') return alert;
      const now = new Date();
      const updated = await tx.alert.update({ where: { id }, data: { status: 'RESOLVED', resolvedAt: now, resolvedBy: admin.userId, nextEscalationAt: null } });
      await recordEvents(tx, [alertResolvedEvent(origin, updated, alert.rule, admin.userId, now)]);
      return updated;
    });
  }

  private async lockAlert(tx: Parameters<Parameters<AlertsDatabase['$transaction']>[0]>[0], id: string) {
    await tx.$queryRawUnsafe('select id from alerts where id = $1::uuid for update', id);
    const alert = await tx.alert.findUnique({ where: { id }, include: { rule: true } });
    if (alert === null) throw notFound('The alert');
    return alert;
  }

  private async requirePolicy(id: string | null): Promise<void> {
    if (id === null) return;
    if ((await this.client.escalationPolicy.count({ where: { id } })) === 0) {
      throw invalidInput([{ field: 'input.escalationPolicyId', message: 'no escalation policy has this id' }]);
    }
  }
}
