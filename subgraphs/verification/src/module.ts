import { prismaTransactions, remoteTokenVerifier, type SubgraphModule } from '#kit';
import { invitationAcceptanceConsumer } from './consumers/invitation-acceptance.js';
import { userDeletionConsumer } from './consumers/user-deletion.js';
import { parseVerificationSettings, VERIFICATION_DEFAULT_PORT, type VerificationProcessSettings } from './config.js';
import { VerificationDatabase } from './database.js';
import { unusedUploadSlotsJob } from './jobs/unused-upload-slots.js';
import { createDocumentStorage } from './storage/create-storage.js';
import { createVerificationSubgraph } from './subgraph.js';
import { VerificationEvents } from './events/index.js';

export const verificationModule: SubgraphModule<VerificationProcessSettings, VerificationDatabase> = {
  name: 'verification',
  environmentPrefix: 'VERIFICATION',
  defaultPort: VERIFICATION_DEFAULT_PORT,
  produces: VerificationEvents,
  PrismaClient: VerificationDatabase,
  parseSettings: parseVerificationSettings,
  assemble: async (database, settings, logger) => {
    const storage = createDocumentStorage(settings.storage);
    const subgraph = createVerificationSubgraph(database, storage, settings, logger);
    const transactions = prismaTransactions(database.client);
    return {
      definition: subgraph.definition,
      tokenVerifier: remoteTokenVerifier(settings),
      publishesEvents: true,
      consumers: [invitationAcceptanceConsumer(subgraph.verification, transactions), userDeletionConsumer(storage, transactions)],
      jobs: [unusedUploadSlotsJob(subgraph.verification.store, settings.uploadUrlTtlSeconds)],
    };
  },
};
