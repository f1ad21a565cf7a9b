import { defineSettings, subgraphSettings, type Environment, type SettingsOf } from '#kit';

export const PRODUCTS_DEFAULT_PORT = 4002;

export const productsSettings = defineSettings(subgraphSettings('PRODUCTS', PRODUCTS_DEFAULT_PORT));

export type ProductsProcessSettings = SettingsOf<typeof productsSettings.group>;

export function parseProductsSettings(environment: Environment): ProductsProcessSettings {
  return productsSettings.parse(environment);
}
