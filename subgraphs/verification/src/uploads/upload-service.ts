import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  appError,
  ErrorCode,
  forbidden,
  invalidInput,
  requireRole,
  Role,
  type EventOrigin,
  type FieldProblem,
  type Logger,
  type Viewer,
} from '#kit';
import type { VerificationDatabase } from '../database.js';
import type { DocumentStorage } from '../storage/document-storage.js';
import { verificationEvents } from '../verification/verification-events.js';
import type { RequiredDocuments } from '../verification/verification-service.js';
import { decidedAtFor, settleRequest } from '../verification/verification-state.js';
import { verificationStore, type VerificationDocument } from '../verification/verification-store.js';
import { acceptedContentTypes, contentTypeNames, isAcceptedContentType, type AcceptedContentType } from './content-types.js';
import type { UrlTokenSigner } from './signed-token.js';
import { EmptyUploadError, UnexpectedContentError, UploadAbortedError, UploadInspector, UploadTooLargeError } from './upload-inspector.js';

export interface UploadSettings {
  /** Base of the URLs handed out, without a trailing slash. */
  publicUrl: string;
  uploadUrlTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  maxUploadBytes: number;
  requiredDocuments: RequiredDocuments;
}

export interface UploadServiceOptions {
  database: VerificationDatabase;
  storage: DocumentStorage;
  signer: UrlTokenSigner;
  settings: UploadSettings;
  logger: Logger;
  now?: () => Date;
}

export interface DocumentUpload {
  documentId: string;
  uploadUrl: string;
  method: 'PUT';
  expiresAt: Date;
  maxBytes: number;
}

/** What an upload URL allows, once its token checks out. */
export interface UploadGrant {
  documentId: string;
  userId: string;
  documentType: string;
  contentType: AcceptedContentType;
}

export const UPLOAD_PATH = '/uploads';
export const DOWNLOAD_PATH = '/documents';

const newUrlHint = 'Request a new upload URL with requestDocumentUpload.';

/**
 * The two-step upload: a signed, single-use URL handed out through GraphQL,
 * then the bytes sent straight to this service, checked, stored and recorded.
 * Also the signed download URLs reviewers open documents with.
 */
export class UploadService {
  private readonly now: () => Date;

  constructor(private readonly options: UploadServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get maxUploadBytes(): number {
    return this.options.settings.maxUploadBytes;
  }

  /** Step one: a supplier or courier with an open request asks where to send one document. */
  async requestUpload(viewer: Viewer | null, input: { documentType: string; contentType: string }): Promise<DocumentUpload> {
    const actor = requireRole(viewer, Role.SUPPLIER, Role.COURIER);
    const store = verificationStore(this.options.database);
    const request = await store.requestOf(actor.userId);
    if (request === null) {
      throw appError(
        ErrorCode.CONFLICT,
        'You have no verification request open. Call requestVerification with your role first (accepting an invitation opens one).',
      );
    }
    if (!actor.roles.includes(request.role))
      throw forbidden(`Your verification request is for the ${request.role} role, which you no longer hold.`);
    const required = this.options.settings.requiredDocuments[request.role];
    const documentType = input.documentType.trim();
    const contentType = input.contentType.trim().toLowerCase();
    const problems: FieldProblem[] = [];
    if (!required.includes(documentType)) {
      problems.push({
        field: 'input.documentType',
        message: `must be one of the documents a ${request.role} submits: ${required.join(', ')}`,
      });
    }
    if (!isAcceptedContentType(contentType)) {
      problems.push({ field: 'input.contentType', message: `must be one of ${acceptedContentTypes.join(', ')}` });
    }
    if (problems.length > 0) throw invalidInput(problems);
    const slot = await store.createUploadSlot({ id: randomUUID(), userId: actor.userId, requestId: request.id, documentType, contentType });
    const expiresAt = new Date((Math.floor(this.now().getTime() / 1000) + this.options.settings.uploadUrlTtlSeconds) * 1000);
    const token = this.options.signer.sign({
      purpose: 'upload',
      documentId: slot.id,
      userId: actor.userId,
      documentType,
      contentType,
      expiresAt: expiresAt.getTime() / 1000,
    });
    return {
      documentId: slot.id,
      uploadUrl: `${this.options.settings.publicUrl}${UPLOAD_PATH}?token=${token}`,
      method: 'PUT',
      expiresAt,
      maxBytes: this.options.settings.maxUploadBytes,
    };
  }

  /** Checks an upload URL's token; refuses forged, malformed and expired ones. */
  uploadGrant(token: string | null): UploadGrant {
    const check = this.options.signer.verify(token);
    if (!check.ok) {
      if (check.reason === 'EXPIRED') {
        throw forbidden(`This upload URL expired at ${new Date((check.expiredAt ?? 0) * 1000).toISOString()}. ${newUrlHint}`);
      }
      throw forbidden(`This upload URL is not valid: its token is missing, altered or not ours. ${newUrlHint}`);
    }
    const { grant } = check;
    if (grant.purpose !== 'upload' || !isAcceptedContentType(grant.contentType)) {
      throw forbidden(`This URL does not grant an upload. ${newUrlHint}`);
    }
    return { documentId: grant.documentId, userId: grant.userId, documentType: grant.documentType, contentType: grant.contentType };
  }

  /**
   * Step two: receives the bytes for a granted upload. The bytes are checked
   * while they stream into storage; then, in one transaction, the document
   * becomes pending review, the previous version of its type is superseded,
   * the request's state follows, and the events are written.
   */
  async receive(grant: UploadGrant, body: Readable, origin: EventOrigin): Promise<VerificationDocument> {
    const store = verificationStore(this.options.database);
    const slot = await store.findDocument(grant.documentId);
    if (
      slot === null ||
      slot.userId !== grant.userId ||
      slot.documentType !== grant.documentType ||
      slot.contentType !== grant.contentType
    ) {
      throw forbidden(`This upload URL no longer grants an upload. ${newUrlHint}`);
    }
    if (slot.status !== 'AWAITING_UPLOAD') throw alreadyUsed();

    // A fresh key per attempt: two requests racing with one URL never write the same object.
    const storageKey = `${slot.userId}/${slot.id}-${randomBytes(6).toString('hex')}`;
    const inspector = new UploadInspector(grant.contentType, this.options.settings.maxUploadBytes);
    // The bytes start flowing before the storage attaches its own listeners: a refusal
    // raised in between is kept here instead of escaping as an unhandled error.
    let refusal: unknown;
    inspector.on('error', (error) => (refusal ??= error));
    body.once('error', (error) => inspector.destroy(error));
    body.once('close', () => {
      if (!body.readableEnded) inspector.destroy(new UploadAbortedError());
    });
    body.pipe(inspector);
    try {
      await this.options.storage.put(storageKey, inspector);
    } catch (error) {
      throw refusalFor(refusal ?? error) ?? error;
    }

    try {
      return await this.options.database.$transaction(async (transaction) => {
        const tx = verificationStore(transaction);
        const request = await tx.lockRequest(slot.requestId);
        const uploadedAt = this.now();
        await tx.supersedeCurrent(slot.userId, slot.documentType);
        const version = await tx.nextVersion(slot.userId, slot.documentType);
        const document = await tx.fillSlot(slot.id, {
          version,
          sizeBytes: inspector.sizeBytes,
          sha256: inspector.sha256,
          storageKey,
          uploadedAt,
        });
        if (document === null) throw alreadyUsed();
        const required = this.options.settings.requiredDocuments[request.role];
        const state = settleRequest(required, await tx.currentDocumentsOf([slot.userId]));
        await tx.setRequestState(request.id, state, decidedAtFor(state, request, uploadedAt));
        const events = [verificationEvents.documentUploaded(origin, document)];
        // An approved user who replaces a document is back in review until it is approved.
        if (request.state === 'APPROVED' && state !== 'APPROVED')
          events.push(verificationEvents.requested(origin, request, required, 'DOCUMENT_REPLACED'));
        await tx.record(events);
        return document;
      });
    } catch (error) {
      await this.options.storage
        .delete(storageKey)
        .catch((cleanup: unknown) =>
          this.options.logger.warn({ err: cleanup, storageKey }, 'could not remove the file of a failed upload'),
        );
      throw error;
    }
  }

  /** A short-lived URL to fetch a document's file; null once the file is gone. */
  downloadUrl(document: VerificationDocument): string | null {
    if (document.storageKey === null) return null;
    const expiresAt = Math.floor(this.now().getTime() / 1000) + this.options.settings.downloadUrlTtlSeconds;
    const token = this.options.signer.sign({ purpose: 'download', documentId: document.id, expiresAt });
    return `${this.options.settings.publicUrl}${DOWNLOAD_PATH}?token=${token}`;
  }

  /** The file a download URL points at, with what to tell the client about it. */
  async download(token: string | null): Promise<{ document: VerificationDocument; content: Readable; fileName: string }> {
    const check = this.options.signer.verify(token);
    if (!check.ok || check.grant.purpose !== 'download') {
      const why = check.ok
        ? 'it does not grant a download'
        : check.reason === 'EXPIRED'
          ? 'it has expired'
          : 'its token is missing, altered or not ours';
      throw forbidden(`This download URL is not valid: ${why}. Read the document's downloadUrl again for a fresh one.`);
    }
    const document = await verificationStore(this.options.database).findDocument(check.grant.documentId);
    const content = document?.storageKey ? await this.options.storage.get(document.storageKey) : null;
    if (document === null || content === null) {
      throw appError(ErrorCode.NOT_FOUND, 'This document’s file is no longer stored (its owner’s account was deleted).');
    }
    const extension = isAcceptedContentType(document.contentType) ? contentTypeNames[document.contentType].extension : 'bin';
    return { document, content, fileName: `${document.documentType.toLowerCase()}-v${document.version ?? 0}.${extension}` };
  }
}

function alreadyUsed() {
  return appError(ErrorCode.CONFLICT, `This upload URL has already been used: each URL accepts one file. ${newUrlHint}`);
}

/** The client-facing error for a refused upload stream; undefined for failures that are ours. */
function refusalFor(error: unknown) {
  if (error instanceof UploadTooLargeError) {
    return appError(ErrorCode.REQUEST_TOO_LARGE, `${error.message} Send a smaller file (scan at a lower resolution, or compress it).`, {
      maxBytes: error.limitBytes,
    });
  }
  if (error instanceof UnexpectedContentError) return appError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, error.message);
  if (error instanceof EmptyUploadError || error instanceof UploadAbortedError) return appError(ErrorCode.BAD_REQUEST, error.message);
  return undefined;
}
