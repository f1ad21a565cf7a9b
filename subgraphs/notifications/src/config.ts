import { z } from 'zod';
import { ConfigError, defineSettings, env, setting, subgraphSettings, type Environment, type SettingsOf } from '#kit';

export const NOTIFICATIONS_DEFAULT_PORT = 4008;

const deliverySettings = {
  maxAttempts: setting(
    'NOTIFICATIONS_MAX_ATTEMPTS',
    z.coerce.number().int().min(1).max(50).default(5),
    'Delivery attempts per message before it is given up as FAILED (notification.failed).',
  ),
  retryBaseMs: setting(
    'NOTIFICATIONS_RETRY_BASE_MS',
    z.coerce.number().int().min(10).max(3_600_000).default(30_000),
    'The wait after the first failed attempt; each further one doubles it, up to the maximum.',
  ),
  retryMaxMs: setting(
    'NOTIFICATIONS_RETRY_MAX_MS',
    z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
    'The longest wait between two attempts.',
  ),
  sweepMs: setting(
    'NOTIFICATIONS_DELIVERY_SWEEP_MS',
    z.coerce.number().int().min(10).max(600_000).default(2_000),
    'How often the delivery job looks for messages due.',
  ),
};

export const notificationsSettings = defineSettings({
  ...subgraphSettings('NOTIFICATIONS', NOTIFICATIONS_DEFAULT_PORT),
  accounts: {
    baseUrl: setting(
      'ACCOUNTS_SERVICE_URL',
      z.url().default('http://127.0.0.1:4001'),
      "Where contact details (email, phone, locale) are asked for, over accounts' private route (with the gateway credential).",
    ),
    timeoutMs: setting(
      'ACCOUNTS_TIMEOUT_MS',
      z.coerce.number().int().min(100).max(60_000).default(3_000),
      'How long a contact lookup may take.',
    ),
  },
  smtp: {
    url: setting(
      'NOTIFICATIONS_SMTP_URL',
      z
        .string()
        .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
        .optional(),
      'The SMTP server email goes through, e.g. smtp://user:pass@mail.example:587 (smtps:// for implicit TLS). Unset, email goes to the logging provider like SMS and push (development only; required in production).',
    ),
    timeoutMs: setting(
      'NOTIFICATIONS_SMTP_TIMEOUT_MS',
      z.coerce.number().int().min(100).max(120_000).default(10_000),
      'Each step of an SMTP exchange (connecting, the greeting, sending) may take this long.',
    ),
    from: setting(
      'NOTIFICATIONS_EMAIL_FROM',
      z.string().min(3).default('GasRápido <no-reply@gasrapido.example>'),
      'The sender of every email.',
    ),
  },
  delivery: deliverySettings,
  contactTtlSeconds: setting(
    'NOTIFICATIONS_CONTACT_TTL_SECONDS',
    env.seconds(24 * 60 * 60),
    'How long a contact fetched from accounts is trusted before it is asked for again.',
  ),
});

export type DeliverySettings = SettingsOf<typeof deliverySettings> & {
  /** How long an attempt in flight keeps its message from other sweeps; outlasts the slowest send. */
  leaseMs: number;
};

export interface NotificationsSettings {
  delivery: DeliverySettings;
  /** Null: email is written to the log instead of sent. */
  smtp: { url: string; timeoutMs: number; from: string } | null;
  accounts: { baseUrl: string; credential: string; timeoutMs: number };
  contactTtlSeconds: number;
}

export type NotificationsProcessSettings = Omit<SettingsOf<typeof notificationsSettings.group>, keyof NotificationsSettings> &
  NotificationsSettings;

export function parseNotificationsSettings(environment: Environment): NotificationsProcessSettings {
  const parsed = notificationsSettings.parse(environment);
  const { url: smtpUrl, ...smtp } = parsed.smtp;
  if (parsed.nodeEnv === 'production' && smtpUrl === undefined) {
    throw new ConfigError(['NOTIFICATIONS_SMTP_URL: must be set when NODE_ENV=production (email would only be logged)']);
  }
  return {
    ...parsed,
    delivery: {
      ...parsed.delivery,
      retryMaxMs: Math.max(parsed.delivery.retryMaxMs, parsed.delivery.retryBaseMs),
      // Connecting, the greeting and the exchange each have the SMTP timeout; a margin on top.
      leaseMs: Math.max(60_000, 4 * smtp.timeoutMs),
    },
    smtp: smtpUrl === undefined ? null : { url: smtpUrl, ...smtp },
    accounts: { ...parsed.accounts, credential: parsed.gatewaySecret },
  };
}
