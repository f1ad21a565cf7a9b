import { loadTypeDefs, subgraphSchemaPath, type Database, type SubgraphDefinition } from '#kit';
import type { CouriersDatabase } from './database.js';
import { profileLoader, type CouriersContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { CourierProfileService } from './profiles/profile-service.js';
import { courierProfileStore } from './profiles/profile-store.js';

/** Assembles the couriers subgraph from its database. Starts nothing. */
export function createCouriersSubgraph(database: Database<CouriersDatabase>): SubgraphDefinition<CouriersContext> {
  const profiles = courierProfileStore(database.client);
  const couriers = new CourierProfileService(profiles);
  return {
    name: 'couriers',
    typeDefs: loadTypeDefs(subgraphSchemaPath('couriers')),
    resolvers,
    createContext: (request) => ({ ...request, couriers, profileByUserId: profileLoader(profiles) }),
    readiness: { database: () => database.ping() },
  };
}
