import { loadTypeDefs, subgraphSchemaPath, type Database, type Logger, type SubgraphDefinition } from '#kit';
import type { VerificationSettings } from './config.js';
import type { VerificationDatabase } from './database.js';
import { documentLoader, statusLoader, type VerificationContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import type { DocumentStorage } from './storage/document-storage.js';
import { UrlTokenSigner } from './uploads/signed-token.js';
import { downloadRoute, uploadRoute } from './uploads/upload-routes.js';
import { UploadService } from './uploads/upload-service.js';
import { VerificationService } from './verification/verification-service.js';

export interface VerificationSubgraph {
  definition: SubgraphDefinition<VerificationContext>;
  verification: VerificationService;
  uploads: UploadService;
}

/** Assembles the verification subgraph from its database, storage and settings. Starts nothing. */
export function createVerificationSubgraph(
  database: Database<VerificationDatabase>,
  storage: DocumentStorage,
  settings: VerificationSettings,
  logger: Logger,
): VerificationSubgraph {
  const verification = new VerificationService({
    database: database.client,
    requiredDocuments: settings.requiredDocuments,
    mfaMaxAgeSeconds: settings.mfaMaxAgeSeconds,
  });
  const uploads = new UploadService({
    database: database.client,
    storage,
    signer: new UrlTokenSigner(settings.signingSecret),
    settings,
    logger,
  });
  return {
    verification,
    uploads,
    definition: {
      name: 'verification',
      typeDefs: loadTypeDefs(subgraphSchemaPath('verification')),
      resolvers,
      createContext: (request) => ({
        ...request,
        verification,
        uploads,
        documentById: documentLoader(verification),
        statusByUser: statusLoader(verification),
      }),
      // Not behind the gateway credential: the signed token in the URL is the caller's credential.
      routes: [uploadRoute(uploads), downloadRoute(uploads)],
      readiness: { database: () => database.ping() },
    },
  };
}
