import { isUuid, recordEvents, type PendingEvent } from '#kit';
import {
  Prisma,
  type DocumentRow,
  type RequestState,
  type VerificationDatabase,
  type VerificationRequestRow,
  type VerificationRole,
} from '../database.js';
import { currentStatuses } from './verification-state.js';

export type VerificationTransaction = Parameters<Parameters<VerificationDatabase['$transaction']>[0]>[0];
type Client = VerificationDatabase | VerificationTransaction;

export type VerificationRequest = VerificationRequestRow;
export type VerificationDocument = DocumentRow;

export interface QueuePosition {
  uploadedAt: Date;
  id: string;
}

export interface QueuePage {
  documents: VerificationDocument[];
  hasNextPage: boolean;
  totalCount: number;
}

export interface UploadedFile {
  version: number;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  uploadedAt: Date;
}

export interface Review {
  status: 'APPROVED' | 'REJECTED';
  reviewedBy: string;
  reviewedAt: Date;
  rejectionReason: string | null;
  /** Set only when approving a GAS_DISTRIBUTION_LICENCE. */
  authorizationNumber: string | null;
  authorizationValidUntil: Date | null;
}

/**
 * Data access for requests and documents, over the database or one
 * transaction (`verificationStore(transaction)`), so that a workflow's reads,
 * writes and events share a transaction.
 */
export function verificationStore(client: Client) {
  return {
    requestOf: (userId: string): Promise<VerificationRequest | null> =>
      isUuid(userId) ? client.verificationRequest.findUnique({ where: { userId } }) : Promise.resolve(null),

    requestsOf: (userIds: readonly string[]): Promise<VerificationRequest[]> =>
      client.verificationRequest.findMany({ where: { userId: { in: userIds.filter(isUuid) } } }),

    /** Creates the user's request unless one exists; `opened` says whether this call created it. */
    async openRequest(request: {
      id: string;
      userId: string;
      role: VerificationRole;
      state: RequestState;
    }): Promise<{ request: VerificationRequest; opened: boolean }> {
      const { count } = await client.verificationRequest.createMany({ data: [request], skipDuplicates: true });
      const stored = await client.verificationRequest.findUniqueOrThrow({ where: { userId: request.userId } });
      return { request: stored, opened: count === 1 };
    },

    /**
     * Locks the request row until the transaction ends: every change to a
     * user's documents or decision goes through this lock, so concurrent
     * uploads and reviews settle the request one at a time.
     */
    async lockRequest(requestId: string): Promise<VerificationRequest> {
      await client.$queryRaw`select id from verification_requests where id = ${requestId}::uuid for update`;
      return client.verificationRequest.findUniqueOrThrow({ where: { id: requestId } });
    },

    setRequestState: (requestId: string, state: RequestState, decidedAt: Date | null): Promise<VerificationRequest> =>
      client.verificationRequest.update({ where: { id: requestId }, data: { state, decidedAt } }),

    createUploadSlot: (slot: {
      id: string;
      userId: string;
      requestId: string;
      documentType: string;
      contentType: string;
    }): Promise<VerificationDocument> => client.document.create({ data: { ...slot, status: 'AWAITING_UPLOAD' } }),

    findDocument: (id: string): Promise<VerificationDocument | null> =>
      isUuid(id) ? client.document.findUnique({ where: { id } }) : Promise.resolve(null),

    findDocuments: (ids: readonly string[]): Promise<VerificationDocument[]> =>
      client.document.findMany({ where: { id: { in: ids.filter(isUuid) } } }),

    /** Each user's uploaded, not superseded documents: one per type at most. */
    currentDocumentsOf: (userIds: readonly string[]): Promise<VerificationDocument[]> =>
      client.document.findMany({ where: { userId: { in: userIds.filter(isUuid) }, status: { in: [...currentStatuses] } } }),

    /** Earlier versions of a document, newest first. */
    history: (document: VerificationDocument): Promise<VerificationDocument[]> =>
      document.version === null
        ? Promise.resolve([])
        : client.document.findMany({
            where: { userId: document.userId, documentType: document.documentType, version: { lt: document.version } },
            orderBy: { version: 'desc' },
          }),

    async nextVersion(userId: string, documentType: string): Promise<number> {
      const { _max } = await client.document.aggregate({ where: { userId, documentType }, _max: { version: true } });
      return (_max.version ?? 0) + 1;
    },

    /** Marks the current version of a type SUPERSEDED; returns it, or null when there was none. */
    async supersedeCurrent(userId: string, documentType: string): Promise<VerificationDocument | null> {
      const current = await client.document.findFirst({ where: { userId, documentType, status: { in: [...currentStatuses] } } });
      if (current === null) return null;
      await client.document.update({ where: { id: current.id }, data: { status: 'SUPERSEDED' } });
      return current;
    },

    /** Turns an upload slot into a pending document; null when the slot was used or removed meanwhile. */
    async fillSlot(documentId: string, file: UploadedFile): Promise<VerificationDocument | null> {
      const { count } = await client.document.updateMany({
        where: { id: documentId, status: 'AWAITING_UPLOAD' },
        data: { ...file, status: 'PENDING_REVIEW' },
      });
      return count === 1 ? client.document.findUniqueOrThrow({ where: { id: documentId } }) : null;
    },

    /** Records a decision on a pending document; null when it is no longer pending. */
    async decide(documentId: string, review: Review): Promise<VerificationDocument | null> {
      const { count } = await client.document.updateMany({ where: { id: documentId, status: 'PENDING_REVIEW' }, data: review });
      return count === 1 ? client.document.findUniqueOrThrow({ where: { id: documentId } }) : null;
    },

    /** Documents waiting for a decision, oldest upload first. */
    async reviewQueue(first: number, after: QueuePosition | undefined): Promise<QueuePage> {
      const pending: Prisma.DocumentWhereInput = { status: 'PENDING_REVIEW' };
      const where: Prisma.DocumentWhereInput =
        after === undefined
          ? pending
          : { AND: [pending, { OR: [{ uploadedAt: { gt: after.uploadedAt } }, { uploadedAt: after.uploadedAt, id: { gt: after.id } }] }] };
      const [rows, totalCount] = await Promise.all([
        client.document.findMany({ where, orderBy: [{ uploadedAt: 'asc' }, { id: 'asc' }], take: first + 1 }),
        client.document.count({ where: pending }),
      ]);
      return { documents: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
    },

    /**
     * Forgets where a user's files are and drops their unused upload slots;
     * returns the storage keys whose bytes must go. Hashes and decisions stay.
     */
    async eraseFilesOf(userId: string): Promise<string[]> {
      const stored = await client.document.findMany({ where: { userId, storageKey: { not: null } }, select: { storageKey: true } });
      await client.document.updateMany({ where: { userId, storageKey: { not: null } }, data: { storageKey: null } });
      await client.document.deleteMany({ where: { userId, status: 'AWAITING_UPLOAD' } });
      return stored.flatMap((row) => (row.storageKey === null ? [] : [row.storageKey]));
    },

    /** Deletes upload slots nobody used before their URL expired. */
    purgeUnusedSlots: async (createdBefore: Date): Promise<number> =>
      (await client.document.deleteMany({ where: { status: 'AWAITING_UPLOAD', createdAt: { lt: createdBefore } } })).count,

    record: (events: readonly PendingEvent[]): Promise<void> => recordEvents(client as VerificationTransaction, events),
  };
}

export type VerificationStore = ReturnType<typeof verificationStore>;
