import { prismaTransactions, remoteTokenVerifier, type SubgraphModule } from '#kit';
import { COURIERS_DEFAULT_PORT, parseCouriersSettings, type CouriersProcessSettings } from './config.js';
import { CouriersDatabase } from './database.js';
import { eligibilityWithdrawalConsumer } from './profiles/eligibility-withdrawal.js';
import { profileErasureConsumer } from './profiles/profile-erasure.js';
import { courierProfileStore } from './profiles/profile-store.js';
import { createCouriersSubgraph } from './subgraph.js';

export const couriersModule: SubgraphModule<CouriersProcessSettings, CouriersDatabase> = {
  name: 'couriers',
  environmentPrefix: 'COURIERS',
  defaultPort: COURIERS_DEFAULT_PORT,
  PrismaClient: CouriersDatabase,
  parseSettings: parseCouriersSettings,
  assemble: async (database, settings) => {
    const profiles = courierProfileStore(database.client);
    const transactions = prismaTransactions(database.client);
    return {
      definition: createCouriersSubgraph(database),
      tokenVerifier: remoteTokenVerifier(settings),
      // The outbox table exists for issue 7's events (courier.assigned, …); nothing is published yet.
      publishesEvents: false,
      consumers: [profileErasureConsumer(profiles, transactions), eligibilityWithdrawalConsumer(profiles, transactions)],
    };
  },
};
