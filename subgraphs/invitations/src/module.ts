import { remoteTokenVerifier, type SubgraphModule } from '#kit';
import { INVITATIONS_DEFAULT_PORT, parseInvitationsSettings, type InvitationsProcessSettings } from './config.js';
import { InvitationsDatabase } from './database.js';
import { createInvitationsSubgraph } from './subgraph.js';
import { InvitationEvents } from './events/index.js';

export const invitationsModule: SubgraphModule<InvitationsProcessSettings, InvitationsDatabase> = {
  name: 'invitations',
  environmentPrefix: 'INVITATIONS',
  defaultPort: INVITATIONS_DEFAULT_PORT,
  produces: InvitationEvents,
  PrismaClient: InvitationsDatabase,
  parseSettings: parseInvitationsSettings,
  assemble: async (database, settings, logger) => ({
    ...createInvitationsSubgraph(database, settings, logger),
    tokenVerifier: remoteTokenVerifier(settings),
  }),
};
