import { z } from 'zod';
import { defineSettings, env, setting, subgraphSettings, type Environment, type IdentitySettings, type SettingsOf } from '#kit';
import { parseCommissionRate } from './ledger/commission.js';

export const PAYMENTS_DEFAULT_PORT = 4006;

const paymentsOwnSettings = {
  commissionBasisPoints: setting(
    'PAYMENTS_COMMISSION_RATE',
    z
      .string()
      .default('0.10')
      .transform((text, context) => {
        try {
          return parseCommissionRate(text);
        } catch (error) {
          context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
          return z.NEVER;
        }
      }),
    'The platform\'s share of every capture, a decimal fraction with at most four places ("0.10" is 10 %), recorded in the ledger; anything else stops the service at start.',
  ),
  recoverySeconds: setting(
    'PAYMENTS_RECOVERY_SECONDS',
    env.seconds(10),
    'How often unresolved attempts (timeouts, crashes), refunds in flight and cancelled payments are settled.',
  ),
  pixConfirmationSeconds: setting(
    'PAYMENTS_PIX_CONFIRMATION_SECONDS',
    env.seconds(5),
    "The sandbox's simulated Pix payer pays codes this old, on a job running this often.",
  ),
  idempotencyWaitSeconds: setting(
    'PAYMENTS_IDEMPOTENCY_WAIT_SECONDS',
    z.coerce.number().int().min(1).max(60).default(5),
    "How long a retry waits for the first request with its idempotency key to finish. Keep below the gateway's subgraph timeout.",
  ),
  attemptTimeoutSeconds: setting(
    'PAYMENTS_ATTEMPT_TIMEOUT_SECONDS',
    env.seconds(30),
    'The longest a provider call may take; attempts still unanswered after it are resolved by lookup.',
  ),
};

export const paymentsSettings = defineSettings({ ...subgraphSettings('PAYMENTS', PAYMENTS_DEFAULT_PORT), ...paymentsOwnSettings });

/** Refunds need a second factor entered within mfaMaxAgeSeconds. */
export type PaymentsSettings = SettingsOf<typeof paymentsOwnSettings> & Pick<IdentitySettings, 'mfaMaxAgeSeconds'>;
export type PaymentsProcessSettings = SettingsOf<typeof paymentsSettings.group>;

export function parsePaymentsSettings(environment: Environment): PaymentsProcessSettings {
  return paymentsSettings.parse(environment);
}
