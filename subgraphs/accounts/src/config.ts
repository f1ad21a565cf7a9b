import { ConfigError, env, parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type SubgraphProcessSettings } from '#kit';
import type { AccountsSettings } from './subgraph.js';

const accountsEnvironmentShape = {
  ...subgraphEnvironmentShape('ACCOUNTS', 4001),
  ACCESS_TOKEN_TTL_SECONDS: env.seconds(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: env.seconds(30 * 24 * 60 * 60),
  SIGNING_KEY_ENCRYPTION_SECRET: env.secret('development-signing-key-secret-change-me'),
  SIGNING_KEY_ACTIVATION_SECONDS: env.seconds(60),
};

export type AccountsProcessSettings = SubgraphProcessSettings & AccountsSettings;

export function parseAccountsSettings(environment: Environment): AccountsProcessSettings {
  const parsed = parseEnvironment(accountsEnvironmentShape, environment);
  if (parsed.SIGNING_KEY_ACTIVATION_SECONDS <= parsed.JWKS_MIN_REFRESH_SECONDS) {
    throw new ConfigError([
      `SIGNING_KEY_ACTIVATION_SECONDS: must exceed JWKS_MIN_REFRESH_SECONDS (${parsed.JWKS_MIN_REFRESH_SECONDS}), or verifiers would refuse tokens signed with a new key`,
    ]);
  }
  return {
    ...subgraphProcessSettings('ACCOUNTS', parsed),
    ...identitySettings(parsed),
    accessTokenTtlSeconds: parsed.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: parsed.REFRESH_TOKEN_TTL_SECONDS,
    signingKeyEncryptionSecret: parsed.SIGNING_KEY_ENCRYPTION_SECRET,
    signingKeyActivationDelaySeconds: parsed.SIGNING_KEY_ACTIVATION_SECONDS,
  };
}
