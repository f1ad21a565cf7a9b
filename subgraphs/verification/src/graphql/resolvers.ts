import { decodeCursor, encodeCursor, pageSize, requireRole, Role, type EventOrigin } from '#kit';
import type { VerificationRole } from '../database.js';
import { documentLabel, type LabelLanguage } from '../verification/document-types.js';
import type { LicenceDetailsInput } from '../verification/licence-details.js';
import { seesVerificationOf, type ReviewDecision, type VerificationStatusView } from '../verification/verification-service.js';
import type { VerificationDocument } from '../verification/verification-store.js';
import type { VerificationContext } from './context.js';

interface LabelArgs {
  language?: LabelLanguage | null;
}

/** Events caused by this request carry its correlation id. */
const origin = (context: VerificationContext): EventOrigin => ({ source: 'verification', correlationId: context.correlationId });

const isoOrNull = (date: Date | null) => (date === null ? null : date.toISOString());

/** A document as an entity: its owner and admins see it; nobody sees an unused upload slot. */
async function visibleDocument(id: string, context: VerificationContext): Promise<VerificationDocument | null> {
  const document = await context.documentById.load(id);
  if (document === null || document.status === 'AWAITING_UPLOAD') return null;
  return seesVerificationOf(context.viewer, document.userId) ? document : null;
}

export const resolvers = {
  Query: {
    verificationStatus: (_root: unknown, { userId }: { userId?: string | null }, context: VerificationContext) =>
      context.verification.statusFor(context.viewer, userId),
    documentReviewQueue: async (_root: unknown, page: { first?: number | null; after?: string | null }, context: VerificationContext) => {
      requireRole(context.viewer, Role.ADMIN);
      const after = decodeCursor(page.after);
      const result = await context.verification.store.reviewQueue(
        pageSize(page.first),
        after === undefined ? undefined : { uploadedAt: after.createdAt, id: after.id },
      );
      const last = result.documents.at(-1);
      return {
        nodes: result.documents,
        totalCount: result.totalCount,
        pageInfo: {
          hasNextPage: result.hasNextPage,
          endCursor: last === undefined ? null : encodeCursor({ createdAt: last.uploadedAt!, id: last.id }),
        },
      };
    },
    requiredDocumentTypes: (_root: unknown, { role }: { role: VerificationRole }, context: VerificationContext) =>
      context.verification.requiredDocumentTypes(role),
  },
  Mutation: {
    requestVerification: (_root: unknown, { role }: { role: VerificationRole }, context: VerificationContext) =>
      context.verification.requestVerification(context.viewer, role, origin(context)),
    requestDocumentUpload: async (
      _root: unknown,
      { input }: { input: { documentType: string; contentType: string } },
      context: VerificationContext,
    ) => {
      const upload = await context.uploads.requestUpload(context.viewer, input);
      return { ...upload, expiresAt: upload.expiresAt.toISOString() };
    },
    reviewDocument: (
      _root: unknown,
      {
        documentId,
        decision,
        reason,
        licence,
      }: { documentId: string; decision: ReviewDecision; reason?: string | null; licence?: LicenceDetailsInput | null },
      context: VerificationContext,
    ) => context.verification.review(context.viewer, documentId, decision, reason, licence, origin(context)),
  },
  DocumentTypeInfo: {
    label: ({ type }: { type: string }, { language }: LabelArgs) => documentLabel(type, language ?? 'PT_BR'),
  },
  RequiredDocument: {
    label: ({ type }: { type: string }, { language }: LabelArgs) => documentLabel(type, language ?? 'PT_BR'),
  },
  VerificationStatus: {
    openedAt: (status: VerificationStatusView) => isoOrNull(status.openedAt),
    decidedAt: (status: VerificationStatusView) => isoOrNull(status.decidedAt),
  },
  VerificationDocument: {
    __resolveReference: (reference: { id: string }, context: VerificationContext) => visibleDocument(reference.id, context),
    label: (document: VerificationDocument, { language }: LabelArgs) => documentLabel(document.documentType, language ?? 'PT_BR'),
    uploadedAt: (document: VerificationDocument) => isoOrNull(document.uploadedAt),
    reviewedAt: (document: VerificationDocument) => isoOrNull(document.reviewedAt),
    licence: (document: VerificationDocument) =>
      document.authorizationNumber === null || document.authorizationValidUntil === null
        ? null
        : { authorizationNumber: document.authorizationNumber, validUntil: document.authorizationValidUntil.toISOString().slice(0, 10) },
    owner: (document: VerificationDocument) => ({ __typename: 'User', id: document.userId }),
    reviewedBy: (document: VerificationDocument) => (document.reviewedBy === null ? null : { __typename: 'User', id: document.reviewedBy }),
    downloadUrl: (document: VerificationDocument, _args: unknown, context: VerificationContext) => context.uploads.downloadUrl(document),
    history: (document: VerificationDocument, _args: unknown, context: VerificationContext) => context.verification.store.history(document),
  },
  User: {
    verificationStatus: ({ id }: { id: string }, _args: unknown, context: VerificationContext) => {
      if (!seesVerificationOf(context.viewer, id)) return null;
      return context.statusByUser.load(id);
    },
  },
};
