import { randomUUID } from 'node:crypto';
import {
  appError,
  ErrorCode,
  forbidden,
  hasRole,
  invalidInput,
  isUuid,
  notFound,
  requireRecentMfa,
  requireRole,
  requireViewer,
  Role,
  type EventOrigin,
  type Viewer,
} from '#kit';
import type { VerificationDatabase, VerificationRole } from '../database.js';
import { licenceDetailsFor, type LicenceDetailsInput } from './licence-details.js';
import { verificationEvents } from './verification-events.js';
import { decidedAtFor, requiredDocumentStatus, settleRequest, type RequiredDocumentStatus } from './verification-state.js';
import { verificationStore, type VerificationDocument, type VerificationRequest, type VerificationStore } from './verification-store.js';

export type RequiredDocuments = Readonly<Record<VerificationRole, readonly string[]>>;

export interface VerificationStatusView {
  userId: string;
  role: VerificationRole | null;
  state: VerificationRequest['state'] | 'NOT_REQUESTED';
  requiredDocuments: Array<{ type: string; status: RequiredDocumentStatus; current: VerificationDocument | null }>;
  openedAt: Date | null;
  decidedAt: Date | null;
}

export type ReviewDecision = 'APPROVE' | 'REJECT';

export const REJECTION_REASON_LENGTH = { min: 3, max: 500 } as const;

export interface VerificationServiceOptions {
  database: VerificationDatabase;
  requiredDocuments: RequiredDocuments;
  mfaMaxAgeSeconds: number;
  now?: () => Date;
}

/** Who may see a user's verification: the user and admins. */
export function seesVerificationOf(viewer: Viewer | null, userId: string): boolean {
  return viewer !== null && (viewer.userId === userId || hasRole(viewer, Role.ADMIN));
}

/** Verification requests and reviews: who may do what, and how a request's state follows its documents. */
export class VerificationService {
  readonly store: VerificationStore;
  private readonly now: () => Date;

  constructor(private readonly options: VerificationServiceOptions) {
    this.store = verificationStore(options.database);
    this.now = options.now ?? (() => new Date());
  }

  requiredDocumentTypes(role: VerificationRole): Array<{ type: string }> {
    return this.options.requiredDocuments[role].map((type) => ({ type }));
  }

  /** The verification status of the viewer, or of any user for an admin. */
  async statusFor(viewer: Viewer | null, userId: string | null | undefined): Promise<VerificationStatusView> {
    const actor = requireViewer(viewer);
    const subject = userId ?? actor.userId;
    if (!isUuid(subject)) throw invalidInput([{ field: 'userId', message: 'is not a user id' }]);
    if (!seesVerificationOf(actor, subject)) {
      if (actor.roles.includes(Role.ADMIN)) requireRole(actor, Role.ADMIN);
      throw forbidden('You may only see your own verification status.');
    }
    return (await this.statusesOf([subject])).get(subject)!;
  }

  /** Statuses of several users in two queries (for `User.verificationStatus` across a list). */
  async statusesOf(userIds: readonly string[]): Promise<Map<string, VerificationStatusView>> {
    const [requests, documents] = await Promise.all([this.store.requestsOf(userIds), this.store.currentDocumentsOf(userIds)]);
    const requestByUser = new Map(requests.map((request) => [request.userId, request]));
    return new Map(
      userIds.map((userId) => [
        userId,
        this.statusView(
          userId,
          requestByUser.get(userId) ?? null,
          documents.filter((document) => document.userId === userId),
        ),
      ]),
    );
  }

  /** A supplier or courier without a request opens one; asking again changes nothing. */
  async requestVerification(viewer: Viewer | null, role: VerificationRole, origin: EventOrigin): Promise<VerificationStatusView> {
    const actor = requireRole(viewer, role);
    const existing = await this.store.requestOf(actor.userId);
    if (existing !== null && existing.role !== role) {
      throw appError(ErrorCode.CONFLICT, `You already have a verification request as ${existing.role}; one user has one request.`);
    }
    if (existing === null) {
      await this.options.database.$transaction((transaction) =>
        this.open(verificationStore(transaction), actor.userId, role, 'SELF_REQUESTED', origin),
      );
    }
    return (await this.statusesOf([actor.userId])).get(actor.userId)!;
  }

  /**
   * Opens the user's request unless one exists, announcing it; the caller's
   * transaction makes the request and its event one change.
   */
  async open(
    store: VerificationStore,
    userId: string,
    role: VerificationRole,
    reason: 'INVITATION_ACCEPTED' | 'SELF_REQUESTED',
    origin: EventOrigin,
  ): Promise<{ request: VerificationRequest; opened: boolean }> {
    const result = await store.openRequest({ id: randomUUID(), userId, role, state: 'PENDING_DOCUMENTS' });
    if (result.opened)
      await store.record([verificationEvents.requested(origin, result.request, this.options.requiredDocuments[role], reason)]);
    return result;
  }

  /**
   * An admin with a recent second factor approves or rejects one pending
   * document. The request row is locked first, so when two admins approve the
   * last two documents at once, exactly one of them sees every document
   * approved and announces verification.approved. Approving an ANP licence records its
   * authorisation number and validity and announces licence.approved with the approval.
   */
  async review(
    viewer: Viewer | null,
    documentId: string,
    decision: ReviewDecision,
    reason: string | null | undefined,
    licenceInput: LicenceDetailsInput | null | undefined,
    origin: EventOrigin,
  ): Promise<VerificationDocument> {
    const admin = requireRecentMfa(requireRole(viewer, Role.ADMIN), this.options.mfaMaxAgeSeconds);
    const rejectionReason = decision === 'REJECT' ? validReason(reason) : null;
    const found = await this.store.findDocument(documentId);
    if (found === null || found.status === 'AWAITING_UPLOAD') throw notFound('Document');
    if (found.userId === admin.userId) throw forbidden('Another admin must review your own documents.');
    const licence = licenceDetailsFor(found.documentType, decision, licenceInput, this.now());
    return this.options.database.$transaction(async (transaction) => {
      const store = verificationStore(transaction);
      const request = await store.lockRequest(found.requestId);
      const reviewedAt = this.now();
      const decided = await store.decide(found.id, {
        status: decision === 'APPROVE' ? 'APPROVED' : 'REJECTED',
        reviewedBy: admin.userId,
        reviewedAt,
        rejectionReason,
        authorizationNumber: licence?.authorizationNumber ?? null,
        authorizationValidUntil: licence === null ? null : new Date(`${licence.validUntil}T00:00:00Z`),
      });
      if (decided === null) throw notPending((await store.findDocument(found.id)) ?? found);
      const state = settleRequest(this.options.requiredDocuments[request.role], await store.currentDocumentsOf([request.userId]));
      await store.setRequestState(request.id, state, decidedAtFor(state, request, reviewedAt));
      const events = [];
      if (decision === 'REJECT') events.push(verificationEvents.rejected(origin, request, decided, admin.userId, reviewedAt));
      if (licence !== null) events.push(verificationEvents.licenceApproved(origin, decided, licence, admin.userId, reviewedAt));
      if (state === 'APPROVED' && request.state !== 'APPROVED')
        events.push(verificationEvents.approved(origin, request, admin.userId, reviewedAt));
      await store.record(events);
      return decided;
    });
  }

  private statusView(userId: string, request: VerificationRequest | null, current: VerificationDocument[]): VerificationStatusView {
    if (request === null) return { userId, role: null, state: 'NOT_REQUESTED', requiredDocuments: [], openedAt: null, decidedAt: null };
    const byType = new Map(current.map((document) => [document.documentType, document]));
    return {
      userId,
      role: request.role,
      state: request.state,
      requiredDocuments: this.options.requiredDocuments[request.role].map((type) => {
        const document = byType.get(type);
        return { type, status: requiredDocumentStatus(document), current: document ?? null };
      }),
      openedAt: request.openedAt,
      decidedAt: request.decidedAt,
    };
  }
}

function validReason(reason: string | null | undefined): string {
  const trimmed = reason?.trim() ?? '';
  const { min, max } = REJECTION_REASON_LENGTH;
  if (trimmed.length < min || trimmed.length > max) {
    throw invalidInput([
      { field: 'reason', message: `is required when rejecting: between ${min} and ${max} characters telling the user what to fix` },
    ]);
  }
  return trimmed;
}

function notPending(document: VerificationDocument) {
  const why =
    document.status === 'SUPERSEDED'
      ? 'a newer version of it was uploaded; review that one instead'
      : `it was already ${document.status === 'APPROVED' ? 'approved' : 'rejected'}`;
  return appError(ErrorCode.CONFLICT, `This document cannot be reviewed: ${why}.`, { status: document.status });
}
