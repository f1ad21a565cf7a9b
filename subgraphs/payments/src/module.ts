import { remoteTokenVerifier, type SubgraphModule } from '#kit';
import { PAYMENTS_DEFAULT_PORT, parsePaymentsSettings, type PaymentsProcessSettings } from './config.js';
import { PaymentsDatabase } from './database.js';
import { createPaymentsSubgraph } from './subgraph.js';
import { PaymentEvents } from './events/index.js';

export const paymentsModule: SubgraphModule<PaymentsProcessSettings, PaymentsDatabase> = {
  name: 'payments',
  environmentPrefix: 'PAYMENTS',
  defaultPort: PAYMENTS_DEFAULT_PORT,
  produces: PaymentEvents,
  PrismaClient: PaymentsDatabase,
  parseSettings: parsePaymentsSettings,
  assemble: async (database, settings, logger) => ({
    ...createPaymentsSubgraph(database, settings, logger),
    tokenVerifier: remoteTokenVerifier(settings),
  }),
};
