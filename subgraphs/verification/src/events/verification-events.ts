import { z } from 'zod';
import { defineEvent, eventTime } from '#kit';

export const VERIFICATION_TOPIC = 'verification.events';

const verifiedRole = z.enum(['SUPPLIER', 'COURIER']);
/** Keyed by the user: one user's documents and reviews stay in order. */
const verification = { topic: VERIFICATION_TOPIC, version: 1, producer: 'verification', key: 'userId' } as const;

export const VerificationEvents = {
  documentUploaded: defineEvent({
    ...verification,
    type: 'document.uploaded',
    data: z.object({
      documentId: z.uuid(),
      userId: z.uuid(),
      documentType: z.string(),
      contentType: z.enum(['application/pdf', 'image/jpeg', 'image/png']),
      sizeBytes: z.number().int().positive(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      /** 1 for the first upload of this document type; each replacement adds one. */
      version: z.number().int().positive(),
    }),
  }),
  requested: defineEvent({
    ...verification,
    type: 'verification.requested',
    data: z.object({
      requestId: z.uuid(),
      userId: z.uuid(),
      role: verifiedRole,
      requiredDocuments: z.array(z.string()),
      /** Why the user is (again) waiting for a review. */
      reason: z.enum(['INVITATION_ACCEPTED', 'SELF_REQUESTED', 'DOCUMENT_REPLACED']),
    }),
  }),
  approved: defineEvent({
    ...verification,
    type: 'verification.approved',
    data: z.object({ requestId: z.uuid(), userId: z.uuid(), role: verifiedRole, reviewedBy: z.uuid(), approvedAt: eventTime }),
  }),
  rejected: defineEvent({
    ...verification,
    type: 'verification.rejected',
    data: z.object({
      requestId: z.uuid(),
      userId: z.uuid(),
      role: verifiedRole,
      documentId: z.uuid(),
      documentType: z.string(),
      reason: z.string(),
      reviewedBy: z.uuid(),
      rejectedAt: eventTime,
    }),
  }),
  /**
   * An admin approved a supplier's ANP licence document (GAS_DISTRIBUTION_LICENCE) and recorded its
   * authorisation number and validity: products gives them to the supplier's stores.
   */
  licenceApproved: defineEvent({
    ...verification,
    type: 'licence.approved',
    data: z.object({
      userId: z.uuid(),
      documentId: z.uuid(),
      /** The ANP authorisation number as printed on the document. */
      authorizationNumber: z.string().min(1),
      /** The last day it is valid (YYYY-MM-DD). */
      validUntil: z.iso.date(),
      reviewedBy: z.uuid(),
      approvedAt: eventTime,
    }),
  }),
} as const;
