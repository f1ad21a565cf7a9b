import { z } from 'zod';
import { env } from './config.js';
import { sharedEnvironmentShape, type IdentitySettings } from './platform-settings.js';
import type { SubgraphProcessSettings } from './subgraph-module.js';

/**
 * The environment variables every subgraph reads, named after the subgraph:
 * `<NAME>_PORT` and `<NAME>_DATABASE_URL`, plus the shared ones.
 */
export function subgraphEnvironmentShape<Name extends string>(prefix: Name, defaultPort: number) {
  return {
    ...sharedEnvironmentShape,
    // A subgraph on the in-memory bus keeps its events to itself: its outbox never drains, and it
    // never hears a revoked access token. The gateway may run without a broker (queries only).
    KAFKA_BROKERS: env.requiredInProduction(env.list().default([])),
    MIGRATE_ON_START: env.flag(false),
    [`${prefix}_PORT`]: env.port(defaultPort),
    [`${prefix}_DATABASE_URL`]: z.string().startsWith('postgres', 'must be a postgresql:// URL'),
  } as typeof sharedEnvironmentShape & {
    MIGRATE_ON_START: ReturnType<typeof env.flag>;
  } & Record<`${Name}_PORT`, ReturnType<typeof env.port>> &
    Record<`${Name}_DATABASE_URL`, z.ZodString>;
}

type SharedParsed = z.infer<z.ZodObject<typeof sharedEnvironmentShape>>;

/** The token-verification settings every service takes from the shared variables. */
export function identitySettings(parsed: SharedParsed): IdentitySettings {
  return {
    issuer: parsed.JWT_ISSUER,
    audience: parsed.JWT_AUDIENCE,
    jwksUrl: parsed.ACCOUNTS_JWKS_URL,
    jwksMinRefreshSeconds: parsed.JWKS_MIN_REFRESH_SECONDS,
    mfaMaxAgeSeconds: parsed.MFA_MAX_AGE_SECONDS,
    accessTokenTtlSeconds: parsed.ACCESS_TOKEN_TTL_SECONDS,
  };
}

/** Maps the parsed shared variables onto the kit's settings. */
export function subgraphProcessSettings(
  prefix: string,
  parsed: Record<string, unknown> & z.infer<z.ZodObject<typeof sharedEnvironmentShape>> & { MIGRATE_ON_START: boolean },
): SubgraphProcessSettings {
  return {
    nodeEnv: parsed.NODE_ENV,
    logLevel: parsed.LOG_LEVEL,
    host: parsed.HOST,
    port: parsed[`${prefix}_PORT`] as number,
    databaseUrl: parsed[`${prefix}_DATABASE_URL`] as string,
    gatewaySecret: parsed.GATEWAY_SHARED_SECRET,
    migrateOnStart: parsed.MIGRATE_ON_START,
    kafkaBrokers: parsed.KAFKA_BROKERS,
    kafkaNamespace: parsed.KAFKA_NAMESPACE,
    accessTokenTtlSeconds: parsed.ACCESS_TOKEN_TTL_SECONDS,
  };
}
