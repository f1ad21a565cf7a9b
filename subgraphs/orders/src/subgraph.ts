import {
  loadTypeDefs,
  prismaTransactions,
  subgraphSchemaPath,
  type AssembledSubgraph,
  type Database,
  type Logger,
  type SubgraphDefinition,
} from '#kit';
import { AddressService } from './addresses/address-service.js';
import { addressStore } from './addresses/address-store.js';
import { fixtureGeocoder, noGeocoder } from './addresses/geocoder.js';
import { catalogProjectionConsumer } from './consumers/catalog-projection.js';
import { storeProjectionConsumer } from './consumers/store-projection.js';
import { acceptanceTimeoutJob } from './saga/acceptance-timeout.js';
import { storeViewStore } from './stores/store-view-store.js';
import { catalogStore } from './catalog/catalog-store.js';
import type { OrdersSettings } from './config.js';
import type { OrdersDatabase } from './database.js';
import { courierViewConsumer, customerNameConsumer } from './consumers/courier-view.js';
import { courierViewStore } from './couriers/courier-view-store.js';
import { firstNameLoader, historyLoader, orderLoader, type OrdersContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { customerErasureConsumer } from './consumers/customer-erasure.js';
import { OrderService } from './orders/order-service.js';
import { orderStore } from './orders/order-store.js';
import { deliveryProgressConsumer } from './consumers/delivery-progress.js';
import { orderSagaConsumer } from './consumers/order-saga.js';
import { paymentTimeoutJob } from './saga/payment-timeout.js';
import { systemMoves } from './saga/system-moves.js';

export type OrdersSubgraph = Omit<AssembledSubgraph, 'tokenVerifier'> & { definition: SubgraphDefinition<OrdersContext> };

/** Assembles the orders subgraph: schema, consumers and the payment and acceptance timeout jobs. Starts nothing. */
export function createOrdersSubgraph(database: Database<OrdersDatabase>, settings: OrdersSettings, logger: Logger): OrdersSubgraph {
  const orders = orderStore(database.client);
  const catalog = catalogStore(database.client);
  const stores = storeViewStore(database.client);
  const addressRows = addressStore(database.client);
  const addresses = new AddressService(addressRows, settings.geocoder === 'fixture' ? fixtureGeocoder() : noGeocoder);
  const service = new OrderService(orders, catalog, stores, addresses, settings);
  const moves = systemMoves(orders, stores, settings.acceptanceTimeoutMinutes);
  const courierViews = courierViewStore(database.client);
  const transactions = prismaTransactions(database.client);
  return {
    definition: {
      name: 'orders',
      typeDefs: loadTypeDefs(subgraphSchemaPath('orders')),
      resolvers,
      createContext: (request) => ({
        ...request,
        service,
        addresses,
        orderById: orderLoader(orders),
        historyByOrder: historyLoader(orders),
        firstNameByCustomer: firstNameLoader(courierViews),
      }),
      readiness: { database: () => database.ping() },
    },
    publishesEvents: true,
    consumers: [
      catalogProjectionConsumer(catalog, transactions),
      storeProjectionConsumer(stores, transactions),
      orderSagaConsumer(orders, moves, transactions),
      customerErasureConsumer(orders, addressRows, transactions),
      deliveryProgressConsumer(orders, moves, transactions),
      courierViewConsumer(courierViews, transactions),
      customerNameConsumer(courierViews, transactions),
    ],
    jobs: [
      paymentTimeoutJob(orders, moves, transactions, logger, settings.paymentTimeoutSweepSeconds),
      acceptanceTimeoutJob(orders, moves, transactions, logger, settings),
    ],
  };
}
