import {
  loadTypeDefs,
  prismaTransactions,
  subgraphSchemaPath,
  type AssembledSubgraph,
  type Database,
  type Logger,
  type SubgraphDefinition,
} from '#kit';
import type { DeliverySettings } from './config.js';
import type { CouriersDatabase } from './database.js';
import { assignment } from './delivery/assignment.js';
import { assignmentJob } from './delivery/assignment-job.js';
import { DeliveryService } from './delivery/delivery-service.js';
import { deliveryStore } from './delivery/delivery-store.js';
import { orderIntakeConsumer } from './consumers/order-intake.js';
import { trackRecorderConsumer } from './consumers/track-recorder.js';
import { trackStore } from './delivery/track-store.js';
import { deliveryLoader, profileLoader, routeLoader, type CouriersContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { eligibilityWithdrawalConsumer } from './consumers/eligibility-withdrawal.js';
import { profileErasureConsumer } from './consumers/profile-erasure.js';
import { CourierProfileService } from './profiles/profile-service.js';
import { courierProfileStore } from './profiles/profile-store.js';

export type CouriersSubgraph = Omit<AssembledSubgraph, 'tokenVerifier'> & { definition: SubgraphDefinition<CouriersContext> };

/** Assembles the couriers subgraph: schema, consumers and the assignment job. Starts nothing. */
export function createCouriersSubgraph(database: Database<CouriersDatabase>, settings: DeliverySettings, logger: Logger): CouriersSubgraph {
  const profiles = courierProfileStore(database.client);
  const couriers = new CourierProfileService(profiles, settings.vehicleCylinderClasses);
  const deliveryRows = deliveryStore(database.client);
  const tracks = trackStore(database.client);
  const deliveries = new DeliveryService(deliveryRows, settings);
  const offers = assignment(deliveryRows, settings);
  const transactions = prismaTransactions(database.client);
  return {
    definition: {
      name: 'couriers',
      typeDefs: loadTypeDefs(subgraphSchemaPath('couriers')),
      resolvers,
      createContext: (request) => ({
        ...request,
        couriers,
        deliveries,
        profileByUserId: profileLoader(profiles),
        deliveryByOrderId: deliveryLoader(deliveryRows),
        routeByOrderId: routeLoader(tracks),
      }),
      readiness: { database: () => database.ping() },
    },
    publishesEvents: true,
    consumers: [
      profileErasureConsumer(profiles, transactions),
      eligibilityWithdrawalConsumer(profiles, transactions),
      orderIntakeConsumer(deliveryRows, offers, transactions),
      trackRecorderConsumer(tracks, transactions),
    ],
    jobs: [assignmentJob(deliveryRows, offers, logger, settings.assignmentSweepMs)],
  };
}
