import { z } from 'zod';
import { env, parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';
import { parseCommissionRate } from './ledger/commission.js';

export const PAYMENTS_DEFAULT_PORT = 4006;

const paymentsEnvironmentShape = {
  ...subgraphEnvironmentShape('PAYMENTS', PAYMENTS_DEFAULT_PORT),
  /** The platform's share of every capture, a decimal fraction with at most four places ("0.10" is 10 %). */
  PAYMENTS_COMMISSION_RATE: z
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
  /** How often unresolved attempts (timeouts, crashes), refunds in flight and cancelled payments are settled. */
  PAYMENTS_RECOVERY_SECONDS: env.seconds(10),
  /** The sandbox's simulated Pix payer pays codes this old, on a job running this often. */
  PAYMENTS_PIX_CONFIRMATION_SECONDS: env.seconds(5),
  /** How long a retry waits for the first request with its idempotency key to finish. Keep below the gateway's subgraph timeout. */
  PAYMENTS_IDEMPOTENCY_WAIT_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
  /** The longest a provider call may take; attempts still unanswered after it are resolved by lookup. */
  PAYMENTS_ATTEMPT_TIMEOUT_SECONDS: env.seconds(30),
};

export interface PaymentsSettings {
  commissionBasisPoints: number;
  recoverySeconds: number;
  pixConfirmationSeconds: number;
  idempotencyWaitSeconds: number;
  attemptTimeoutSeconds: number;
  /** Refunds need a second factor entered this recently. */
  mfaMaxAgeSeconds: number;
}

export interface PaymentsProcessSettings extends SubgraphProcessSettings, IdentitySettings, PaymentsSettings {}

export function parsePaymentsSettings(environment: Environment): PaymentsProcessSettings {
  const parsed = parseEnvironment(paymentsEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('PAYMENTS', parsed),
    ...identitySettings(parsed),
    commissionBasisPoints: parsed.PAYMENTS_COMMISSION_RATE,
    recoverySeconds: parsed.PAYMENTS_RECOVERY_SECONDS,
    pixConfirmationSeconds: parsed.PAYMENTS_PIX_CONFIRMATION_SECONDS,
    idempotencyWaitSeconds: parsed.PAYMENTS_IDEMPOTENCY_WAIT_SECONDS,
    attemptTimeoutSeconds: parsed.PAYMENTS_ATTEMPT_TIMEOUT_SECONDS,
  };
}
