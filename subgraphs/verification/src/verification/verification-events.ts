import { pendingEvent, type EventOrigin, type PendingEvent } from '#kit';
import type { AcceptedContentType } from '../uploads/content-types.js';
import type { LicenceDetails } from './licence-details.js';
import type { VerificationDocument, VerificationRequest } from './verification-store.js';
import { VerificationEvents } from '../events/index.js';

/** verification.events, keyed by the user: one user's events stay in order. */
export const verificationEvents = {
  documentUploaded: (origin: EventOrigin, document: VerificationDocument): PendingEvent =>
    pendingEvent(VerificationEvents.documentUploaded, origin, document.userId, {
      documentId: document.id,
      userId: document.userId,
      documentType: document.documentType,
      contentType: document.contentType as AcceptedContentType,
      sizeBytes: document.sizeBytes!,
      sha256: document.sha256!,
      version: document.version!,
    }),

  requested: (
    origin: EventOrigin,
    request: VerificationRequest,
    requiredDocuments: readonly string[],
    reason: 'INVITATION_ACCEPTED' | 'SELF_REQUESTED' | 'DOCUMENT_REPLACED',
  ): PendingEvent =>
    pendingEvent(VerificationEvents.requested, origin, request.userId, {
      requestId: request.id,
      userId: request.userId,
      role: request.role,
      requiredDocuments: [...requiredDocuments],
      reason,
    }),

  approved: (origin: EventOrigin, request: VerificationRequest, reviewedBy: string, approvedAt: Date): PendingEvent =>
    pendingEvent(VerificationEvents.approved, origin, request.userId, {
      requestId: request.id,
      userId: request.userId,
      role: request.role,
      reviewedBy,
      approvedAt: approvedAt.toISOString(),
    }),

  rejected: (
    origin: EventOrigin,
    request: VerificationRequest,
    document: VerificationDocument,
    reviewedBy: string,
    rejectedAt: Date,
  ): PendingEvent =>
    pendingEvent(VerificationEvents.rejected, origin, request.userId, {
      requestId: request.id,
      userId: request.userId,
      role: request.role,
      documentId: document.id,
      documentType: document.documentType,
      reason: document.rejectionReason ?? '',
      reviewedBy,
      rejectedAt: rejectedAt.toISOString(),
    }),

  licenceApproved: (
    origin: EventOrigin,
    document: VerificationDocument,
    licence: LicenceDetails,
    reviewedBy: string,
    approvedAt: Date,
  ): PendingEvent =>
    pendingEvent(VerificationEvents.licenceApproved, origin, document.userId, {
      userId: document.userId,
      documentId: document.id,
      authorizationNumber: licence.authorizationNumber,
      validUntil: licence.validUntil,
      reviewedBy,
      approvedAt: approvedAt.toISOString(),
    }),
};
