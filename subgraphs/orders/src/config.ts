import { z } from 'zod';
import { defineSettings, env, setting, subgraphSettings, type Environment, type SettingsOf } from '#kit';

export const ORDERS_DEFAULT_PORT = 4005;

/** The highest amount the settings accept, in minor units (R$ 10.000,00). */
export const MAX_SETTING_AMOUNT = 1_000_000;

/** Which geocoder finds the coordinates of a saved address sent without them (docs/orders.md). */
export const geocoderKinds = ['fixture', 'none'] as const;

const ordersOwnSettings = {
  paymentTimeoutMinutes: setting(
    'ORDERS_PAYMENT_TIMEOUT_MINUTES',
    z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(30),
    'A card or Pix order still unpaid this long after it was placed is cancelled (PAYMENT_EXPIRED).',
  ),
  paymentTimeoutSweepSeconds: setting(
    'ORDERS_PAYMENT_TIMEOUT_SWEEP_SECONDS',
    env.seconds(30),
    'How often the payment-timeout job looks for overdue orders.',
  ),
  acceptanceTimeoutMinutes: setting(
    'ORDERS_ACCEPTANCE_TIMEOUT_MINUTES',
    z.coerce.number().int().min(1).max(120).default(8),
    'A store must accept or reject a paid (cash: reserved) order within this many minutes; unanswered, it is cancelled (STORE_DID_NOT_ANSWER) and refunded.',
  ),
  acceptanceSweepSeconds: setting(
    'ORDERS_ACCEPTANCE_SWEEP_SECONDS',
    env.seconds(15),
    'How often the acceptance-timeout job looks for orders the store left unanswered.',
  ),
  promiseMarginMinutes: setting(
    'ORDERS_PROMISE_MARGIN_MINUTES',
    z.coerce.number().int().min(0).max(240).default(15),
    "Minutes added to the store's estimate for payment, the store's acceptance and finding a courier, in the promised-by time shown to the customer.",
  ),
  emptyCylinderFallbackAmount: setting(
    'ORDERS_EMPTY_CYLINDER_FALLBACK_AMOUNT',
    z.coerce.number().int().min(0).max(MAX_SETTING_AMOUNT).default(15_000),
    'What an empty not handed back on a troca line costs, in minor units, when the store sells neither completo nor vasilhame of that class.',
  ),
  geocoder: setting(
    'ORDERS_GEOCODER',
    z.enum(geocoderKinds).default('fixture'),
    'Finds coordinates for a saved address sent without them: fixture (a small table of São Paulo CEPs in the subgraph) or none (clients must send coordinates).',
  ),
};

export const ordersSettings = defineSettings({ ...subgraphSettings('ORDERS', ORDERS_DEFAULT_PORT), ...ordersOwnSettings });

export type OrdersSettings = SettingsOf<typeof ordersOwnSettings>;
export type OrdersProcessSettings = SettingsOf<typeof ordersSettings.group>;

export function parseOrdersSettings(environment: Environment): OrdersProcessSettings {
  return ordersSettings.parse(environment);
}
