export { PrismaClient as VerificationDatabase, Prisma } from './generated/prisma/client.js';
export type {
  VerificationRequest as VerificationRequestRow,
  Document as DocumentRow,
  VerificationRole,
  RequestState,
  DocumentStatus,
} from './generated/prisma/client.js';
