import { z } from 'zod';
import { env } from './config.js';
import { sharedSettings } from './platform-settings.js';
import { setting } from './settings.js';

/**
 * The settings every subgraph reads, named after the subgraph (`<PREFIX>_PORT` and
 * `<PREFIX>_DATABASE_URL`), plus the shared ones. A subgraph spreads them into its own.
 */
export function subgraphSettings(prefix: string, defaultPort: number) {
  return {
    ...sharedSettings,
    // A subgraph on the in-memory bus keeps its events to itself: its outbox never drains, and it
    // never hears a revoked access token. The gateway may run without a broker (queries only).
    kafkaBrokers: setting(
      'KAFKA_BROKERS',
      env.requiredInProduction(env.list().default([])),
      'Kafka bootstrap servers, comma-separated; unset uses the in-memory bus (one process only). Required in production: a subgraph on the in-memory bus keeps its events to itself.',
    ),
    migrateOnStart: setting('MIGRATE_ON_START', env.flag(false), 'Apply pending migrations before serving.'),
    port: setting(`${prefix}_PORT`, env.port(defaultPort), 'The port the subgraph listens on.'),
    databaseUrl: setting(
      `${prefix}_DATABASE_URL`,
      z.string().startsWith('postgres', 'must be a postgresql:// URL'),
      "The subgraph's own PostgreSQL database.",
    ),
  };
}
