import { z } from 'zod';
import { defineSettings, env, setting, subgraphSettings, type Environment, type SettingsOf } from '#kit';

export const ORDERS_DEFAULT_PORT = 4005;

/** The highest delivery fee the settings accept, in minor units (R$ 10.000,00). */
export const MAX_DELIVERY_FEE_AMOUNT = 1_000_000;

const ordersOwnSettings = {
  deliveryFeeAmount: setting(
    'ORDERS_DELIVERY_FEE_AMOUNT',
    z.coerce.number().int().min(0).max(MAX_DELIVERY_FEE_AMOUNT).default(0),
    "Flat fee added to every order, in minor units of the order's currency.",
  ),
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
};

export const ordersSettings = defineSettings({ ...subgraphSettings('ORDERS', ORDERS_DEFAULT_PORT), ...ordersOwnSettings });

export type OrdersSettings = SettingsOf<typeof ordersOwnSettings>;
export type OrdersProcessSettings = SettingsOf<typeof ordersSettings.group>;

export function parseOrdersSettings(environment: Environment): OrdersProcessSettings {
  return ordersSettings.parse(environment);
}
