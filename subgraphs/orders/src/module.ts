import { remoteTokenVerifier, type SubgraphModule } from '#kit';
import { ORDERS_DEFAULT_PORT, parseOrdersSettings, type OrdersProcessSettings } from './config.js';
import { OrdersDatabase } from './database.js';
import { createOrdersSubgraph } from './subgraph.js';
import { AddressEvents, OrderEvents } from './events/index.js';

export const ordersModule: SubgraphModule<OrdersProcessSettings, OrdersDatabase> = {
  name: 'orders',
  environmentPrefix: 'ORDERS',
  defaultPort: ORDERS_DEFAULT_PORT,
  produces: { ...OrderEvents, addressSaved: AddressEvents.saved, addressDeleted: AddressEvents.deleted },
  PrismaClient: OrdersDatabase,
  parseSettings: parseOrdersSettings,
  assemble: async (database, settings, logger) => ({
    ...createOrdersSubgraph(database, settings, logger),
    tokenVerifier: remoteTokenVerifier(settings),
  }),
};
