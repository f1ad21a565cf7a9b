import { z } from 'zod';
import { ConfigError, env, parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type SubgraphProcessSettings } from '#kit';
import type { AccountsSettings } from './subgraph.js';

export const ACCOUNTS_DEFAULT_PORT = 4001;

const accountsEnvironmentShape = {
  ...subgraphEnvironmentShape('ACCOUNTS', ACCOUNTS_DEFAULT_PORT),
  REFRESH_TOKEN_TTL_SECONDS: env.seconds(30 * 24 * 60 * 60),
  /** Encrypts signing keys and, under a key derived for that purpose, TOTP secrets. */
  SIGNING_KEY_ENCRYPTION_SECRET: env.secret('development-signing-key-secret-change-me'),
  SIGNING_KEY_ACTIVATION_SECONDS: env.seconds(60),
  /** Where registration claims invitation codes. */
  INVITATIONS_SERVICE_URL: z.url().default('http://127.0.0.1:4003'),
  /** A claim that takes longer fails the registration with SERVICE_UNAVAILABLE. */
  INVITATIONS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
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
    refreshTokenTtlSeconds: parsed.REFRESH_TOKEN_TTL_SECONDS,
    signingKeyEncryptionSecret: parsed.SIGNING_KEY_ENCRYPTION_SECRET,
    signingKeyActivationDelaySeconds: parsed.SIGNING_KEY_ACTIVATION_SECONDS,
    invitations: {
      baseUrl: parsed.INVITATIONS_SERVICE_URL,
      credential: parsed.GATEWAY_SHARED_SECRET,
      timeoutMs: parsed.INVITATIONS_TIMEOUT_MS,
    },
  };
}
