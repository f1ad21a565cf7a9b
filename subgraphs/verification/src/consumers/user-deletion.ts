import { eventConsumer, type ConsumerDefinition, type TransactionRunner } from '#kit';
import type { DocumentStorage } from '../storage/document-storage.js';
import { verificationStore, type VerificationTransaction } from '../verification/verification-store.js';
import { UserEvents } from '../../../accounts/src/events/index.js';

/**
 * A deleted user's files go: the bytes leave the storage and the rows forget
 * their keys. The rows themselves stay, with their hashes and the admins'
 * decisions, as the audit trail of who was verified on what evidence.
 * Deleting is idempotent, so a retried event deletes nothing twice.
 */
export function userDeletionConsumer(
  storage: DocumentStorage,
  transactions: TransactionRunner<VerificationTransaction>,
): ConsumerDefinition {
  return eventConsumer({
    name: 'verification.user-deletions',
    transactions,
    handlers: (on) => [
      on(UserEvents.deleted, async (data, { transaction, logger }) => {
        const { userId } = data;
        const keys = await verificationStore(transaction).eraseFilesOf(userId);
        // Inside the transaction: if a deletion fails, the keys are kept and the event is retried.
        for (const key of keys) await storage.delete(key);
        if (keys.length > 0) logger.info({ userId, files: keys.length }, 'deleted user’s document files removed');
      }),
    ],
  });
}
