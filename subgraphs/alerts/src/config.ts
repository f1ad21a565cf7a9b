import { z } from 'zod';
import { defineSettings, setting, subgraphSettings, type Environment, type SettingsOf } from '#kit';

export const ALERTS_DEFAULT_PORT = 4010;

const alertsOwnSettings = {
  evaluationIntervalMs: setting(
    'ALERTS_EVALUATION_INTERVAL_MS',
    z.coerce.number().int().min(10).max(600_000).default(15_000),
    'How often every enabled rule is evaluated, besides on each event it watches, and escalations are sent.',
  ),
  minimumPayments: setting(
    'ALERTS_MINIMUM_PAYMENTS',
    z.coerce.number().int().min(1).max(100_000).default(10),
    'A failure-rate rule judges only windows with at least this many payments (an empty window counts as healthy).',
  ),
};

export const alertsSettings = defineSettings({ ...subgraphSettings('ALERTS', ALERTS_DEFAULT_PORT), ...alertsOwnSettings });

export type AlertsSettings = SettingsOf<typeof alertsOwnSettings>;
export type AlertsProcessSettings = SettingsOf<typeof alertsSettings.group>;

export function parseAlertsSettings(environment: Environment): AlertsProcessSettings {
  return alertsSettings.parse(environment);
}
