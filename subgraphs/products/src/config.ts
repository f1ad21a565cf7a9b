import { z } from 'zod';
import { parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';

export const PRODUCTS_DEFAULT_PORT = 4002;

const productsEnvironmentShape = {
  ...subgraphEnvironmentShape('PRODUCTS', PRODUCTS_DEFAULT_PORT),
  /** Where the accounts service publishes its signing keys. */
  ACCOUNTS_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
};

export interface ProductsProcessSettings extends SubgraphProcessSettings, IdentitySettings {
  jwksUrl: string;
}

export function parseProductsSettings(environment: Environment): ProductsProcessSettings {
  const parsed = parseEnvironment(productsEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('PRODUCTS', parsed),
    ...identitySettings(parsed),
    jwksUrl: parsed.ACCOUNTS_JWKS_URL,
  };
}
