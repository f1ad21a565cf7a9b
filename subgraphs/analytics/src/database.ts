export { PrismaClient as AnalyticsDatabase, Prisma } from './generated/prisma/client.js';
export type { Report as ReportRow, ReportKind, ReportFormat, ReportStatus } from './generated/prisma/client.js';
import type { PrismaClient } from './generated/prisma/client.js';

/** The transaction client Prisma hands to `$transaction` callbacks. */
export type AnalyticsTransaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
