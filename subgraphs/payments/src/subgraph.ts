import {
  loadTypeDefs,
  prismaTransactions,
  subgraphSchemaPath,
  type AssembledSubgraph,
  type Database,
  type Logger,
  type SubgraphDefinition,
} from '#kit';
import type { PaymentsSettings } from './config.js';
import type { PaymentsDatabase } from './database.js';
import { paymentsContext, type PaymentsContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { orderEventsConsumer } from './consumers/order-events.js';
import { paymentJobs } from './payments/payment-jobs.js';
import { createPaymentsDomain, type PaymentsDomain } from './services.js';

export type PaymentsSubgraph = Omit<AssembledSubgraph, 'tokenVerifier'> & {
  definition: SubgraphDefinition<PaymentsContext>;
  /** The domain, for tests that inspect or drive it directly. */
  domain: PaymentsDomain;
};

/** Assembles the payments subgraph: schema, order-events consumer, recovery and Pix jobs. Starts nothing. */
export function createPaymentsSubgraph(database: Database<PaymentsDatabase>, settings: PaymentsSettings, logger: Logger): PaymentsSubgraph {
  const domain = createPaymentsDomain(database.client, settings, logger);
  const { payOrder, refundService, payments, attempts, refunds, ledger, provider } = domain;
  return {
    domain,
    definition: {
      name: 'payments',
      typeDefs: loadTypeDefs(subgraphSchemaPath('payments')),
      resolvers,
      createContext: (request) => paymentsContext(request, { payOrder, refundService, payments, attempts, refunds, ledger, provider }),
      readiness: { database: () => database.ping() },
    },
    publishesEvents: true,
    consumers: [orderEventsConsumer(domain, prismaTransactions(database.client))],
    jobs: paymentJobs({ ...domain, logger }, settings),
  };
}
