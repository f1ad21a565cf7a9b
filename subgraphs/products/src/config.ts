import { z } from 'zod';
import { parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';

export const PRODUCTS_DEFAULT_PORT = 4002;

const productsEnvironmentShape = {
  ...subgraphEnvironmentShape('PRODUCTS', PRODUCTS_DEFAULT_PORT),
};

export interface ProductsProcessSettings extends SubgraphProcessSettings, IdentitySettings {}

export function parseProductsSettings(environment: Environment): ProductsProcessSettings {
  const parsed = parseEnvironment(productsEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('PRODUCTS', parsed),
    ...identitySettings(parsed),
  };
}
