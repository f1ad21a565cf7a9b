import { remoteTokenVerifier, type SubgraphModule } from '#kit';
import { COURIERS_DEFAULT_PORT, parseCouriersSettings, type CouriersProcessSettings } from './config.js';
import { CouriersDatabase } from './database.js';
import { createCouriersSubgraph } from './subgraph.js';
import { CourierEvents } from './events/index.js';

export const couriersModule: SubgraphModule<CouriersProcessSettings, CouriersDatabase> = {
  name: 'couriers',
  environmentPrefix: 'COURIERS',
  defaultPort: COURIERS_DEFAULT_PORT,
  produces: CourierEvents,
  PrismaClient: CouriersDatabase,
  parseSettings: parseCouriersSettings,
  assemble: async (database, settings, logger) => ({
    ...createCouriersSubgraph(database, settings, logger),
    tokenVerifier: remoteTokenVerifier(settings),
  }),
};
