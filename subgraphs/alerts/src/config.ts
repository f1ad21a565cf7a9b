import { z } from 'zod';
import { parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';

export const ALERTS_DEFAULT_PORT = 4010;

const alertsEnvironmentShape = {
  ...subgraphEnvironmentShape('ALERTS', ALERTS_DEFAULT_PORT),
  /** How often every enabled rule is evaluated, besides on each event it watches, and escalations are sent. */
  ALERTS_EVALUATION_INTERVAL_MS: z.coerce.number().int().min(10).max(600_000).default(15_000),
  /** A failure-rate rule judges only windows with at least this many payments (an empty window counts as healthy). */
  ALERTS_MINIMUM_PAYMENTS: z.coerce.number().int().min(1).max(100_000).default(10),
};

export interface AlertsSettings {
  evaluationIntervalMs: number;
  minimumPayments: number;
}

export interface AlertsProcessSettings extends SubgraphProcessSettings, IdentitySettings, AlertsSettings {}

export function parseAlertsSettings(environment: Environment): AlertsProcessSettings {
  const parsed = parseEnvironment(alertsEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('ALERTS', parsed),
    ...identitySettings(parsed),
    evaluationIntervalMs: parsed.ALERTS_EVALUATION_INTERVAL_MS,
    minimumPayments: parsed.ALERTS_MINIMUM_PAYMENTS,
  };
}
