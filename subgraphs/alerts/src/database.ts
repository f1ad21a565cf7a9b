export { PrismaClient as AlertsDatabase, Prisma } from './generated/prisma/client.js';
export type {
  Alert as AlertRow,
  AlertRule as AlertRuleRow,
  AlertRuleKind,
  AlertSeverity,
  AlertStatus,
  EscalationPolicy as EscalationPolicyRow,
} from './generated/prisma/client.js';
import type { PrismaClient } from './generated/prisma/client.js';

/** The transaction client Prisma hands to `$transaction` callbacks. */
export type AlertsTransaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
