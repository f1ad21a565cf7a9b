import {
  loadTypeDefs,
  prismaTransactions,
  subgraphSchemaPath,
  type AssembledSubgraph,
  type Database,
  type Logger,
  type SubgraphDefinition,
} from '#kit';
import { CodeAttemptLimiter } from './codes/attempt-limiter.js';
import { attemptStore } from './codes/attempt-store.js';
import { ClaimService } from './claims/claim-service.js';
import { claimRoutes } from './claims/claim-routes.js';
import { claimStore } from './claims/claim-store.js';
import type { InvitationsSettings } from './config.js';
import type { InvitationsDatabase } from './database.js';
import { acceptanceLoader, invitationLoader, type InvitationsContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { housekeepingJobs } from './housekeeping/housekeeping-jobs.js';
import { InvitationService } from './invitations/invitation-service.js';
import { invitationStore } from './invitations/invitation-store.js';
import { userLifecycleConsumer } from './consumers/user-lifecycle.js';

export type InvitationsSubgraph = Omit<AssembledSubgraph, 'tokenVerifier'> & { definition: SubgraphDefinition<InvitationsContext> };

/** Assembles the invitations subgraph: schema, internal routes, consumer and jobs. Starts nothing. */
export function createInvitationsSubgraph(
  database: Database<InvitationsDatabase>,
  settings: InvitationsSettings,
  logger: Logger,
): InvitationsSubgraph {
  const invitations = invitationStore(database.client);
  const claims = claimStore(database.client);
  const attempts = attemptStore(database.client);
  const limiter = new CodeAttemptLimiter(attempts, settings.codeAttemptsPerMinute);
  const service = new InvitationService(invitations);
  return {
    definition: {
      name: 'invitations',
      typeDefs: loadTypeDefs(subgraphSchemaPath('invitations')),
      resolvers,
      createContext: (request) => ({
        ...request,
        service,
        invitations,
        limiter,
        invitationById: invitationLoader(invitations),
        acceptancesByInvitation: acceptanceLoader(invitations),
      }),
      routes: claimRoutes(new ClaimService(claims, limiter), settings.gatewaySecret),
      readiness: { database: () => database.ping() },
    },
    publishesEvents: true,
    consumers: [userLifecycleConsumer(invitations, claims, prismaTransactions(database.client))],
    jobs: housekeepingJobs({ invitations, claims, attempts, logger }, settings),
  };
}
