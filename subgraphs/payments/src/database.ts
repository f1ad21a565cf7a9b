export { PrismaClient as PaymentsDatabase, Prisma } from './generated/prisma/client.js';
export type {
  Payment as PaymentRow,
  PaymentAttempt as AttemptRow,
  Refund as RefundRow,
  LedgerTransaction as LedgerTransactionRow,
  LedgerEntry as LedgerEntryRow,
  PaymentMethod,
  PaymentStatus,
  PaymentFailureCode,
  AttemptStatus,
  RefundStatus,
  LedgerAccount,
  EntryDirection,
  EmptiesShortfallStatus,
} from './generated/prisma/client.js';
import type { PrismaClient } from './generated/prisma/client.js';

/** The transaction client Prisma hands to `$transaction` callbacks. */
export type PaymentsTransaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
