import { createAccessTokenVerifier, RemoteJwks, type SubgraphModule } from '#kit';
import { parseProductsSettings, type ProductsProcessSettings } from './config.js';
import { ProductsDatabase } from './database.js';
import { createProductsSubgraph } from './subgraph.js';

export const productsModule: SubgraphModule<ProductsProcessSettings, ProductsDatabase> = {
  name: 'products',
  environmentPrefix: 'PRODUCTS',
  PrismaClient: ProductsDatabase,
  parseSettings: parseProductsSettings,
  assemble: async (database, settings) => ({
    definition: createProductsSubgraph(database),
    tokenVerifier: createAccessTokenVerifier(new RemoteJwks({ url: settings.jwksUrl, minRefreshIntervalMs: settings.jwksMinRefreshSeconds * 1000 }), settings),
  }),
};
