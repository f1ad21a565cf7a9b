import { z } from 'zod';
import { ConfigError, env, parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';

export const NOTIFICATIONS_DEFAULT_PORT = 4008;

const notificationsEnvironmentShape = {
  ...subgraphEnvironmentShape('NOTIFICATIONS', NOTIFICATIONS_DEFAULT_PORT),
  /** Where contact details (email, phone, locale) are asked for, over accounts' private route. */
  ACCOUNTS_SERVICE_URL: z.url().default('http://127.0.0.1:4001'),
  ACCOUNTS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /**
   * The SMTP server email goes through, e.g. smtp://user:pass@mail.example:587 (smtps:// for
   * implicit TLS). Unset, email goes to the logging provider like SMS and push (development only).
   */
  NOTIFICATIONS_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  NOTIFICATIONS_SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  NOTIFICATIONS_EMAIL_FROM: z.string().min(3).default('GasRápido <no-reply@gasrapido.example>'),
  /** Delivery attempts per message before it is given up as FAILED (notification.failed). */
  NOTIFICATIONS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  /** The wait after the first failed attempt; each further one doubles it, up to the maximum. */
  NOTIFICATIONS_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  NOTIFICATIONS_RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  /** How often the delivery job looks for messages due. */
  NOTIFICATIONS_DELIVERY_SWEEP_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
  /** How long a contact fetched from accounts is trusted before it is asked for again. */
  NOTIFICATIONS_CONTACT_TTL_SECONDS: env.seconds(24 * 60 * 60),
};

export interface DeliverySettings {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  sweepMs: number;
  /** How long an attempt in flight keeps its message from other sweeps; outlasts the slowest send. */
  leaseMs: number;
}

export interface NotificationsSettings {
  delivery: DeliverySettings;
  /** Null: email is written to the log instead of sent. */
  smtp: { url: string; timeoutMs: number; from: string } | null;
  accounts: { baseUrl: string; credential: string; timeoutMs: number };
  contactTtlSeconds: number;
}

export interface NotificationsProcessSettings extends SubgraphProcessSettings, IdentitySettings, NotificationsSettings {}

export function parseNotificationsSettings(environment: Environment): NotificationsProcessSettings {
  const parsed = parseEnvironment(notificationsEnvironmentShape, environment);
  if (parsed.NODE_ENV === 'production' && parsed.NOTIFICATIONS_SMTP_URL === undefined) {
    throw new ConfigError(['NOTIFICATIONS_SMTP_URL: must be set when NODE_ENV=production (email would only be logged)']);
  }
  return {
    ...subgraphProcessSettings('NOTIFICATIONS', parsed),
    ...identitySettings(parsed),
    delivery: {
      maxAttempts: parsed.NOTIFICATIONS_MAX_ATTEMPTS,
      retryBaseMs: parsed.NOTIFICATIONS_RETRY_BASE_MS,
      retryMaxMs: Math.max(parsed.NOTIFICATIONS_RETRY_MAX_MS, parsed.NOTIFICATIONS_RETRY_BASE_MS),
      sweepMs: parsed.NOTIFICATIONS_DELIVERY_SWEEP_MS,
      // Connecting, the greeting and the exchange each have the SMTP timeout; a margin on top.
      leaseMs: Math.max(60_000, 4 * parsed.NOTIFICATIONS_SMTP_TIMEOUT_MS),
    },
    smtp:
      parsed.NOTIFICATIONS_SMTP_URL === undefined
        ? null
        : { url: parsed.NOTIFICATIONS_SMTP_URL, timeoutMs: parsed.NOTIFICATIONS_SMTP_TIMEOUT_MS, from: parsed.NOTIFICATIONS_EMAIL_FROM },
    accounts: { baseUrl: parsed.ACCOUNTS_SERVICE_URL, credential: parsed.GATEWAY_SHARED_SECRET, timeoutMs: parsed.ACCOUNTS_TIMEOUT_MS },
    contactTtlSeconds: parsed.NOTIFICATIONS_CONTACT_TTL_SECONDS,
  };
}
