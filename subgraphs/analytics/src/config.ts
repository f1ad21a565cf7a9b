import { z } from 'zod';
import { env, parseEnvironment, publicBaseUrl, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';

export const ANALYTICS_DEFAULT_PORT = 4009;

const analyticsEnvironmentShape = {
  ...subgraphEnvironmentShape('ANALYTICS', ANALYTICS_DEFAULT_PORT),
  /** The platform's commission on delivered GMV, in basis points (1000 = 10 %, PAYMENTS_COMMISSION_RATE's default). */
  ANALYTICS_COMMISSION_BASIS_POINTS: z.coerce.number().int().min(0).max(10_000).default(1_000),
  /**
   * The public address report links point at: the gateway, which forwards /reports here.
   * Unset: PUBLIC_URL, like every other link (set it only to send report links elsewhere).
   */
  ANALYTICS_PUBLIC_URL: z.url().optional(),
  ANALYTICS_REPORT_SIGNING_SECRET: env.secret('development-analytics-report-signing-secret'),
  ANALYTICS_REPORT_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /** How often the report job looks for requested reports. */
  ANALYTICS_REPORT_SWEEP_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
};

export interface ReportSettings {
  publicUrl: string;
  signingSecret: string;
  urlTtlSeconds: number;
  sweepMs: number;
}

export interface AnalyticsSettings {
  commissionBasisPoints: number;
  reports: ReportSettings;
}

export interface AnalyticsProcessSettings extends SubgraphProcessSettings, IdentitySettings, AnalyticsSettings {}

export function parseAnalyticsSettings(environment: Environment): AnalyticsProcessSettings {
  const parsed = parseEnvironment(analyticsEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('ANALYTICS', parsed),
    ...identitySettings(parsed),
    commissionBasisPoints: parsed.ANALYTICS_COMMISSION_BASIS_POINTS,
    reports: {
      publicUrl: publicBaseUrl(parsed.ANALYTICS_PUBLIC_URL ?? parsed.PUBLIC_URL),
      signingSecret: parsed.ANALYTICS_REPORT_SIGNING_SECRET,
      urlTtlSeconds: parsed.ANALYTICS_REPORT_URL_TTL_SECONDS,
      sweepMs: parsed.ANALYTICS_REPORT_SWEEP_MS,
    },
  };
}
