import { z } from 'zod';
import { env } from './config.js';

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
 * own environment shape.
 */
export const sharedEnvironmentShape = {
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  /** Interface to listen on. */
  HOST: z.string().default('127.0.0.1'),
  /**
   * Where clients reach the gateway (scheme, host, optional port and path): every link a
   * service hands out (document uploads and downloads, report files) starts with it. One
   * setting, so that links cannot disagree; `npm start` derives it from GATEWAY_PORT.
   */
  PUBLIC_URL: z.url().default(`http://127.0.0.1:${DEFAULT_GATEWAY_PORT}`),
  GATEWAY_SHARED_SECRET: env.secret(DEVELOPMENT_GATEWAY_SECRET),
  JWT_ISSUER: z.string().min(1).default('https://accounts.gasrapido.local'),
  JWT_AUDIENCE: z.string().min(1).default('gasrapido-api'),
  /** Kafka bootstrap servers, comma-separated; unset uses the in-memory bus (one process only). */
  KAFKA_BROKERS: env.list().default([]),
  /** Prefix of every Kafka topic and consumer group, for deployments that share a cluster. */
  KAFKA_NAMESPACE: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, dots, dashes and underscores only').default(''),
  /** Where accounts publishes its signing keys; every verifier but accounts itself reads them there. */
  ACCOUNTS_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
  /** A token with an unknown key id makes a verifier refetch the JWKS at most this often. */
  JWKS_MIN_REFRESH_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /**
   * How long an access token lives. accounts issues tokens this long; every other service keeps
   * (and on start replays) access revocations this long, and refuses tokens meant to live longer.
   * Set it to the same value on every service.
   */
  ACCESS_TOKEN_TTL_SECONDS: env.seconds(15 * 60),
  /** Sensitive operations (document review, role changes, refunds) need a second factor entered this recently. */
  MFA_MAX_AGE_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
};

export interface IdentitySettings {
  issuer: string;
  audience: string;
  /** ACCOUNTS_JWKS_URL. */
  jwksUrl: string;
  jwksMinRefreshSeconds: number;
  /** See MFA_MAX_AGE_SECONDS; pass to requireRecentMfa. */
  mfaMaxAgeSeconds: number;
  /** ACCESS_TOKEN_TTL_SECONDS: the longest an access token lives, so how long a revocation matters. */
  accessTokenTtlSeconds: number;
}
