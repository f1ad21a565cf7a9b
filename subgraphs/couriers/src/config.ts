import { z } from 'zod';
import { parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';

export const COURIERS_DEFAULT_PORT = 4007;

const couriersEnvironmentShape = {
  ...subgraphEnvironmentShape('COURIERS', COURIERS_DEFAULT_PORT),
};

export interface CouriersProcessSettings extends SubgraphProcessSettings, IdentitySettings {}

export function parseCouriersSettings(environment: Environment): CouriersProcessSettings {
  const parsed = parseEnvironment(couriersEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('COURIERS', parsed),
    ...identitySettings(parsed),
  };
}
