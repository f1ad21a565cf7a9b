import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { UploadService } from '../uploads/upload-service.js';
import type { VerificationService, VerificationStatusView } from '../verification/verification-service.js';
import type { VerificationDocument } from '../verification/verification-store.js';

export interface VerificationContext extends RequestContext {
  readonly verification: VerificationService;
  readonly uploads: UploadService;
  /** Batches `_entities` lookups of documents into one query per request. */
  readonly documentById: DataLoader<string, VerificationDocument | null>;
  /** Batches `User.verificationStatus` across every user of one request. */
  readonly statusByUser: DataLoader<string, VerificationStatusView>;
}

export function documentLoader(verification: VerificationService): DataLoader<string, VerificationDocument | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await verification.store.findDocuments(ids)).map((document) => [document.id, document]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

export function statusLoader(verification: VerificationService): DataLoader<string, VerificationStatusView> {
  return new DataLoader(async (userIds) => {
    const statuses = await verification.statusesOf(userIds);
    return userIds.map((userId) => statuses.get(userId) ?? new Error(`no status for ${userId}`));
  });
}
