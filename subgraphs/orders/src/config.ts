import { z } from 'zod';
import { env, parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';

export const ORDERS_DEFAULT_PORT = 4005;

/** The highest delivery fee the settings accept, in minor units (R$ 10.000,00). */
export const MAX_DELIVERY_FEE_AMOUNT = 1_000_000;

const ordersEnvironmentShape = {
  ...subgraphEnvironmentShape('ORDERS', ORDERS_DEFAULT_PORT),
  /** Flat fee added to every order, in minor units of the order's currency. */
  ORDERS_DELIVERY_FEE_AMOUNT: z.coerce.number().int().min(0).max(MAX_DELIVERY_FEE_AMOUNT).default(0),
  /** A card or Pix order still unpaid this long after it was placed is cancelled (PAYMENT_EXPIRED). */
  ORDERS_PAYMENT_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(30),
  /** How often the payment-timeout job looks for overdue orders. */
  ORDERS_PAYMENT_TIMEOUT_SWEEP_SECONDS: env.seconds(30),
};

export interface OrdersSettings {
  deliveryFeeAmount: number;
  paymentTimeoutMinutes: number;
  paymentTimeoutSweepSeconds: number;
}

export interface OrdersProcessSettings extends SubgraphProcessSettings, IdentitySettings, OrdersSettings {}

export function parseOrdersSettings(environment: Environment): OrdersProcessSettings {
  const parsed = parseEnvironment(ordersEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('ORDERS', parsed),
    ...identitySettings(parsed),
    deliveryFeeAmount: parsed.ORDERS_DELIVERY_FEE_AMOUNT,
    paymentTimeoutMinutes: parsed.ORDERS_PAYMENT_TIMEOUT_MINUTES,
    paymentTimeoutSweepSeconds: parsed.ORDERS_PAYMENT_TIMEOUT_SWEEP_SECONDS,
  };
}
