import { z } from 'zod';
import { parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';

export const COURIERS_DEFAULT_PORT = 4007;

const couriersEnvironmentShape = {
  ...subgraphEnvironmentShape('COURIERS', COURIERS_DEFAULT_PORT),
  /** Where the accounts service publishes its signing keys. */
  ACCOUNTS_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
};

export interface CouriersProcessSettings extends SubgraphProcessSettings, IdentitySettings {
  jwksUrl: string;
}

export function parseCouriersSettings(environment: Environment): CouriersProcessSettings {
  const parsed = parseEnvironment(couriersEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('COURIERS', parsed),
    ...identitySettings(parsed),
    jwksUrl: parsed.ACCOUNTS_JWKS_URL,
  };
}
