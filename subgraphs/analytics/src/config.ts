import { z } from 'zod';
import { defineSettings, env, publicBaseUrl, setting, subgraphSettings, type Environment, type SettingsOf } from '#kit';

export const ANALYTICS_DEFAULT_PORT = 4009;

const reportSettings = {
  publicUrl: setting(
    'ANALYTICS_PUBLIC_URL',
    z.url().optional(),
    'The public address report links point at: the gateway, which forwards /reports here. Unset: PUBLIC_URL, like every other link (set it only to send report links elsewhere).',
    { documentedDefault: '`PUBLIC_URL`' },
  ),
  signingSecret: setting(
    'ANALYTICS_REPORT_SIGNING_SECRET',
    env.secret('development-analytics-report-signing-secret'),
    'Signs report download links.',
  ),
  urlTtlSeconds: setting(
    'ANALYTICS_REPORT_URL_TTL_SECONDS',
    z.coerce.number().int().min(10).max(86_400).default(300),
    'How long a report link works.',
  ),
  sweepMs: setting(
    'ANALYTICS_REPORT_SWEEP_MS',
    z.coerce.number().int().min(10).max(600_000).default(2_000),
    'How often the report job looks for requested reports.',
  ),
};

export const analyticsSettings = defineSettings({
  ...subgraphSettings('ANALYTICS', ANALYTICS_DEFAULT_PORT),
  commissionBasisPoints: setting(
    'ANALYTICS_COMMISSION_BASIS_POINTS',
    z.coerce.number().int().min(0).max(10_000).default(1_000),
    "The platform's commission on delivered GMV, in basis points (1000 = 10 %, PAYMENTS_COMMISSION_RATE's default).",
  ),
  reports: reportSettings,
});

/** Report links start with `publicUrl`, resolved and without a trailing slash. */
export type ReportSettings = Omit<SettingsOf<typeof reportSettings>, 'publicUrl'> & { publicUrl: string };

export interface AnalyticsSettings {
  commissionBasisPoints: number;
  reports: ReportSettings;
}

export type AnalyticsProcessSettings = SettingsOf<typeof analyticsSettings.group> & AnalyticsSettings;

export function parseAnalyticsSettings(environment: Environment): AnalyticsProcessSettings {
  const parsed = analyticsSettings.parse(environment);
  return { ...parsed, reports: { ...parsed.reports, publicUrl: publicBaseUrl(parsed.reports.publicUrl ?? parsed.publicUrl) } };
}
