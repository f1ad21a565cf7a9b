import { remoteTokenVerifier, type SubgraphModule } from '#kit';
import { ALERTS_DEFAULT_PORT, parseAlertsSettings, type AlertsProcessSettings } from './config.js';
import { AlertsDatabase } from './database.js';
import { createAlertsSubgraph } from './subgraph.js';
import { AlertEvents } from './events/index.js';

export const alertsModule: SubgraphModule<AlertsProcessSettings, AlertsDatabase> = {
  name: 'alerts',
  environmentPrefix: 'ALERTS',
  defaultPort: ALERTS_DEFAULT_PORT,
  produces: AlertEvents,
  PrismaClient: AlertsDatabase,
  parseSettings: parseAlertsSettings,
  assemble: async (database, settings, logger) => ({
    ...createAlertsSubgraph(database, settings, logger),
    tokenVerifier: remoteTokenVerifier(settings),
  }),
};
