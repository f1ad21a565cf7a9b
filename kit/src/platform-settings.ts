import { z } from 'zod';
import { env } from './config.js';
import { setting, type SettingsOf } from './settings.js';

/** The gateway's port unless GATEWAY_PORT says otherwise; PUBLIC_URL's default points at it. */
export const DEFAULT_GATEWAY_PORT = 4000;

/** A public base URL without trailing slashes, ready to have paths appended. */
export function publicBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Development-only defaults for secrets; production refuses to start without real ones. */
export const DEVELOPMENT_GATEWAY_SECRET = 'development-gateway-secret-change-me';

/**
 * Settings every GasRápido process shares: how it logs and how it recognises
 * the gateway and the accounts service's tokens. Spread into each service's
 * own settings.
 */
export const sharedSettings = {
  nodeEnv: setting('NODE_ENV', env.nodeEnv(), '`production` turns off Sandbox and introspection and requires real secrets.'),
  logLevel: setting('LOG_LEVEL', env.logLevel(), '`trace` … `fatal`, `silent`; `debug` adds one line per HTTP request.'),
  host: setting('HOST', z.string().default('127.0.0.1'), 'Interface to listen on (`0.0.0.0` in containers).'),
  publicUrl: setting(
    'PUBLIC_URL',
    z.url().default(`http://127.0.0.1:${DEFAULT_GATEWAY_PORT}`),
    'Where clients reach the gateway (scheme, host, optional port and path): every link a service hands out (document uploads and downloads, report files) starts with it. One setting, so that links cannot disagree; `npm start` derives it from GATEWAY_PORT.',
  ),
  gatewaySecret: setting(
    'GATEWAY_SHARED_SECRET',
    env.secret(DEVELOPMENT_GATEWAY_SECRET),
    'The credential the gateway presents to subgraphs, and subgraphs to each other on their private routes.',
  ),
  issuer: setting('JWT_ISSUER', z.string().min(1).default('https://accounts.gasrapido.local'), '`iss` of access tokens.'),
  audience: setting('JWT_AUDIENCE', z.string().min(1).default('gasrapido-api'), '`aud` of access tokens.'),
  kafkaBrokers: setting(
    'KAFKA_BROKERS',
    env.list().default([]),
    'Kafka bootstrap servers, comma-separated; unset uses the in-memory bus (one process only), and a gateway on its own serves no subscriptions.',
  ),
  kafkaNamespace: setting(
    'KAFKA_NAMESPACE',
    z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, dots, dashes and underscores only')
      .default(''),
    'Prefix of every Kafka topic and consumer group, for deployments that share a cluster.',
  ),
  jwksUrl: setting(
    'ACCOUNTS_JWKS_URL',
    z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
    'Where accounts publishes its signing keys; every verifier but accounts itself reads them there.',
  ),
  jwksMinRefreshSeconds: setting(
    'JWKS_MIN_REFRESH_SECONDS',
    z.coerce.number().int().min(1).max(3600).default(30),
    'A token with an unknown key id makes a verifier refetch the JWKS at most this often.',
  ),
  accessTokenTtlSeconds: setting(
    'ACCESS_TOKEN_TTL_SECONDS',
    env.seconds(15 * 60),
    'How long an access token lives. accounts issues tokens this long; every other service keeps (and on start replays) access revocations this long, and refuses tokens meant to live longer. Set it to the same value on every service.',
  ),
  mfaMaxAgeSeconds: setting(
    'MFA_MAX_AGE_SECONDS',
    z.coerce.number().int().min(30).max(86_400).default(900),
    'Sensitive operations (document review, role changes, refunds) need a second factor entered this recently.',
  ),
};

/** The token-verification settings every service takes from the shared variables. */
export type IdentitySettings = Pick<
  SettingsOf<typeof sharedSettings>,
  'issuer' | 'audience' | 'jwksUrl' | 'jwksMinRefreshSeconds' | 'mfaMaxAgeSeconds' | 'accessTokenTtlSeconds'
>;
