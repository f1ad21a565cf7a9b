import { remoteTokenVerifier, type SubgraphModule } from '#kit';
import { ANALYTICS_DEFAULT_PORT, parseAnalyticsSettings, type AnalyticsProcessSettings } from './config.js';
import { AnalyticsDatabase } from './database.js';
import { createAnalyticsSubgraph } from './subgraph.js';
import { AnalyticsEvents } from './events/index.js';

export const analyticsModule: SubgraphModule<AnalyticsProcessSettings, AnalyticsDatabase> = {
  name: 'analytics',
  environmentPrefix: 'ANALYTICS',
  defaultPort: ANALYTICS_DEFAULT_PORT,
  produces: AnalyticsEvents,
  PrismaClient: AnalyticsDatabase,
  parseSettings: parseAnalyticsSettings,
  assemble: async (database, settings, logger) => ({
    ...createAnalyticsSubgraph(database, settings, logger),
    tokenVerifier: remoteTokenVerifier(settings),
  }),
};
