import { prismaTransactions, remoteTokenVerifier, type SubgraphModule } from '#kit';
import { productStore } from './catalog/product-store.js';
import { supplierDeletionConsumer } from './consumers/supplier-deletion.js';
import { stockReservationStore } from './stock/stock-reservation-store.js';
import { stockReservationConsumer } from './consumers/stock-reservations.js';
import { PRODUCTS_DEFAULT_PORT, parseProductsSettings, type ProductsProcessSettings } from './config.js';
import { ProductsDatabase } from './database.js';
import { createProductsSubgraph } from './subgraph.js';
import { ProductEvents } from './events/index.js';

export const productsModule: SubgraphModule<ProductsProcessSettings, ProductsDatabase> = {
  name: 'products',
  environmentPrefix: 'PRODUCTS',
  defaultPort: PRODUCTS_DEFAULT_PORT,
  produces: ProductEvents,
  PrismaClient: ProductsDatabase,
  parseSettings: parseProductsSettings,
  assemble: async (database, settings) => ({
    definition: createProductsSubgraph(database),
    tokenVerifier: remoteTokenVerifier(settings),
    publishesEvents: true,
    consumers: [
      supplierDeletionConsumer(productStore(database.client), prismaTransactions(database.client)),
      stockReservationConsumer(stockReservationStore, prismaTransactions(database.client)),
    ],
  }),
};
