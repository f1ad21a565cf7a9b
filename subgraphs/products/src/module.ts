import { prismaTransactions, remoteTokenVerifier, type SubgraphModule } from '#kit';
import { productStore } from './catalog/product-store.js';
import { supplierDeletionConsumer } from './consumers/supplier-deletion.js';
import { stockReservationStore } from './stock/stock-reservation-store.js';
import { stockReservationConsumer } from './consumers/stock-reservations.js';
import { PRODUCTS_DEFAULT_PORT, parseProductsSettings, type ProductsProcessSettings } from './config.js';
import { ProductsDatabase } from './database.js';
import { createProductsSubgraph } from './subgraph.js';
import { ProductEvents, StoreEvents } from './events/index.js';
import { storeStore } from './stores/store-store.js';
import { licenceApprovalConsumer } from './consumers/licence-approvals.js';
import { addressPointStore } from './nearby/address-point-store.js';
import { addressPointConsumer } from './consumers/address-points.js';

export const productsModule: SubgraphModule<ProductsProcessSettings, ProductsDatabase> = {
  name: 'products',
  environmentPrefix: 'PRODUCTS',
  defaultPort: PRODUCTS_DEFAULT_PORT,
  // Both contracts name their events created/updated: keyed apart so neither hides the other.
  produces: {
    ...ProductEvents,
    storeCreated: StoreEvents.created,
    storeUpdated: StoreEvents.updated,
    storePaused: StoreEvents.paused,
    storeResumed: StoreEvents.resumed,
  },
  PrismaClient: ProductsDatabase,
  parseSettings: parseProductsSettings,
  assemble: async (database, settings) => ({
    definition: createProductsSubgraph(database),
    tokenVerifier: remoteTokenVerifier(settings),
    publishesEvents: true,
    consumers: [
      supplierDeletionConsumer(productStore(database.client), storeStore(database.client), prismaTransactions(database.client)),
      stockReservationConsumer(stockReservationStore, prismaTransactions(database.client)),
      licenceApprovalConsumer(storeStore(database.client), prismaTransactions(database.client)),
      addressPointConsumer(addressPointStore(database.client), prismaTransactions(database.client)),
    ],
  }),
};
