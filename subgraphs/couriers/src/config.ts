import { z } from 'zod';
import { DEFAULT_VEHICLE_CYLINDER_CLASSES, parseVehicleCylinderRules } from './profiles/vehicles.js';
import { defineSettings, env, setting, subgraphSettings, type Environment, type SettingsOf } from '#kit';

export const COURIERS_DEFAULT_PORT = 4007;

const deliverySettings = {
  vehicleCylinderClasses: setting(
    'COURIERS_VEHICLE_CYLINDER_CLASSES',
    z
      .string()
      .default(DEFAULT_VEHICLE_CYLINDER_CLASSES)
      .transform((text, context) => {
        try {
          return parseVehicleCylinderRules(text);
        } catch (error) {
          context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
          return z.NEVER;
        }
      }),
    'Which cylinder classes each vehicle type may carry, as VEHICLE=CLASS,CLASS;… naming every vehicle type (* is every class, nothing after = none). The default follows ANP 26/2015 and Contran 356: a motorcycle (with sidecar or trailer) only P13, a car none, a cargo bike up to P8. Saving a profile refuses other classes and offers never ask for them.',
  ),
  offerSeconds: setting(
    'COURIERS_OFFER_SECONDS',
    env.seconds(60),
    'How long a courier has to accept an offer before it goes to the next courier.',
  ),
  assignmentTimeoutSeconds: setting(
    'COURIERS_ASSIGNMENT_TIMEOUT_SECONDS',
    env.seconds(600),
    'After this long without an accepting courier, courier.not_found is published and the search stops.',
  ),
  assignmentSweepMs: setting(
    'COURIERS_ASSIGNMENT_SWEEP_MS',
    z.coerce.number().int().min(50).max(600_000).default(1_000),
    'How often the assignment job expires offers and offers orders to the next courier.',
  ),
  locationMinIntervalMs: setting(
    'COURIERS_LOCATION_MIN_INTERVAL_MS',
    z.coerce.number().int().min(0).max(600_000).default(1_000),
    'The shortest gap between two accepted location updates of one courier (RATE_LIMITED otherwise).',
  ),
  deliveryCodeMaxAttempts: setting(
    'COURIERS_DELIVERY_CODE_MAX_ATTEMPTS',
    z.coerce.number().int().min(1).max(100).default(5),
    'Wrong delivery codes accepted per delivery before the code is locked (support must step in).',
  ),
  deliveryCodeSecret: setting(
    'COURIERS_DELIVERY_CODE_SECRET',
    env.secret('development-delivery-code-secret-change-me'),
    "Derives each delivery's code, so the database holds only its hash.",
  ),
};

export const couriersSettings = defineSettings({ ...subgraphSettings('COURIERS', COURIERS_DEFAULT_PORT), ...deliverySettings });

export type DeliverySettings = SettingsOf<typeof deliverySettings>;
export type CouriersProcessSettings = SettingsOf<typeof couriersSettings.group>;

export function parseCouriersSettings(environment: Environment): CouriersProcessSettings {
  return couriersSettings.parse(environment);
}
