import { z } from 'zod';
import { ConfigError, defineSettings, env, setting, subgraphSettings, type Environment, type SubgraphProcessSettings } from '#kit';
import type { AccountsSettings } from './subgraph.js';

export const ACCOUNTS_DEFAULT_PORT = 4001;

export const accountsSettings = defineSettings({
  ...subgraphSettings('ACCOUNTS', ACCOUNTS_DEFAULT_PORT),
  refreshTokenTtlSeconds: setting(
    'REFRESH_TOKEN_TTL_SECONDS',
    env.seconds(30 * 24 * 60 * 60),
    'Refresh token lifetime (30 days by default).',
  ),
  signingKeyEncryptionSecret: setting(
    'SIGNING_KEY_ENCRYPTION_SECRET',
    env.secret('development-signing-key-secret-change-me'),
    'Encrypts signing keys and, under a key derived for that purpose, TOTP secrets.',
  ),
  signingKeyActivationDelaySeconds: setting(
    'SIGNING_KEY_ACTIVATION_SECONDS',
    env.seconds(60),
    'A rotated-in key is published this long before it signs; must exceed JWKS_MIN_REFRESH_SECONDS.',
  ),
  invitations: {
    baseUrl: setting(
      'INVITATIONS_SERVICE_URL',
      z.url().default('http://127.0.0.1:4003'),
      'Where registration claims invitation codes (a private call with the gateway credential).',
    ),
    timeoutMs: setting(
      'INVITATIONS_TIMEOUT_MS',
      z.coerce.number().int().min(100).max(60_000).default(3_000),
      'A claim that takes longer fails the registration with SERVICE_UNAVAILABLE.',
    ),
  },
});

export type AccountsProcessSettings = SubgraphProcessSettings & AccountsSettings;

export function parseAccountsSettings(environment: Environment): AccountsProcessSettings {
  const parsed = accountsSettings.parse(environment);
  if (parsed.signingKeyActivationDelaySeconds <= parsed.jwksMinRefreshSeconds) {
    throw new ConfigError([
      `SIGNING_KEY_ACTIVATION_SECONDS: must exceed JWKS_MIN_REFRESH_SECONDS (${parsed.jwksMinRefreshSeconds}), or verifiers would refuse tokens signed with a new key`,
    ]);
  }
  return { ...parsed, invitations: { ...parsed.invitations, credential: parsed.gatewaySecret } };
}
