import { z } from 'zod';
import { env, parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';

export const COURIERS_DEFAULT_PORT = 4007;

const couriersEnvironmentShape = {
  ...subgraphEnvironmentShape('COURIERS', COURIERS_DEFAULT_PORT),
  /** How long a courier has to accept an offer before it goes to the next courier. */
  COURIERS_OFFER_SECONDS: env.seconds(60),
  /** After this long without an accepting courier, courier.not_found is published and the search stops. */
  COURIERS_ASSIGNMENT_TIMEOUT_SECONDS: env.seconds(600),
  /** How often the assignment job expires offers and offers orders to the next courier. */
  COURIERS_ASSIGNMENT_SWEEP_MS: z.coerce.number().int().min(50).max(600_000).default(1_000),
  /** The shortest gap between two accepted location updates of one courier. */
  COURIERS_LOCATION_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
  /** Wrong delivery codes accepted per delivery before the code is locked (support must step in). */
  COURIERS_DELIVERY_CODE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** Derives each delivery's code, so the database holds only its hash. */
  COURIERS_DELIVERY_CODE_SECRET: env.secret('development-delivery-code-secret-change-me'),
};

export interface DeliverySettings {
  offerSeconds: number;
  assignmentTimeoutSeconds: number;
  assignmentSweepMs: number;
  locationMinIntervalMs: number;
  deliveryCodeMaxAttempts: number;
  deliveryCodeSecret: string;
}

export interface CouriersProcessSettings extends SubgraphProcessSettings, IdentitySettings, DeliverySettings {}

export function parseCouriersSettings(environment: Environment): CouriersProcessSettings {
  const parsed = parseEnvironment(couriersEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('COURIERS', parsed),
    ...identitySettings(parsed),
    offerSeconds: parsed.COURIERS_OFFER_SECONDS,
    assignmentTimeoutSeconds: parsed.COURIERS_ASSIGNMENT_TIMEOUT_SECONDS,
    assignmentSweepMs: parsed.COURIERS_ASSIGNMENT_SWEEP_MS,
    locationMinIntervalMs: parsed.COURIERS_LOCATION_MIN_INTERVAL_MS,
    deliveryCodeMaxAttempts: parsed.COURIERS_DELIVERY_CODE_MAX_ATTEMPTS,
    deliveryCodeSecret: parsed.COURIERS_DELIVERY_CODE_SECRET,
  };
}
