import { env, parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, type Environment, type SubgraphProcessSettings } from '#kit';
import type { AccountsSettings } from './subgraph.js';

const accountsEnvironmentShape = {
  ...subgraphEnvironmentShape('ACCOUNTS', 4001),
  ACCESS_TOKEN_TTL_SECONDS: env.seconds(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: env.seconds(30 * 24 * 60 * 60),
  SIGNING_KEY_ENCRYPTION_SECRET: env.secret('development-signing-key-secret-change-me'),
};

export type AccountsProcessSettings = SubgraphProcessSettings & AccountsSettings;

export function parseAccountsSettings(environment: Environment): AccountsProcessSettings {
  const parsed = parseEnvironment(accountsEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('ACCOUNTS', parsed),
    issuer: parsed.JWT_ISSUER,
    audience: parsed.JWT_AUDIENCE,
    accessTokenTtlSeconds: parsed.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: parsed.REFRESH_TOKEN_TTL_SECONDS,
    signingKeyEncryptionSecret: parsed.SIGNING_KEY_ENCRYPTION_SECRET,
  };
}
