export { PrismaClient as InvitationsDatabase, Prisma } from './generated/prisma/client.js';
export type {
  Invitation as InvitationRow,
  InvitationAcceptance as AcceptanceRow,
  InvitationRole,
  InvitationChannel,
  InviterRole,
} from './generated/prisma/client.js';
import type { PrismaClient } from './generated/prisma/client.js';

/** The transaction client Prisma hands to `$transaction` callbacks. */
export type InvitationsTransaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
