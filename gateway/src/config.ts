import { z } from 'zod';
import { env, parseEnvironment, sharedEnvironmentShape, supergraphPath, ConfigError, type Environment } from '#kit';

const gatewayEnvironmentShape = {
  ...sharedEnvironmentShape,
  GATEWAY_PORT: env.port(4000),
  SUPERGRAPH_PATH: z.string().default(supergraphPath),
  ACCOUNTS_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
  /** Sandbox and introspection; on by default outside production. */
  GATEWAY_INTROSPECTION: env.optionalFlag(),
  GATEWAY_LANDING_PAGE: env.optionalFlag(),
  /** Lets @apollo/gateway send its anonymous usage metrics to Apollo; off by default. */
  GATEWAY_APOLLO_TELEMETRY: env.flag(false),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  MAX_REQUEST_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  /** How long a new WebSocket may take to send connection_init before it is closed with 4408. */
  SUBSCRIPTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  SUBSCRIPTION_MAX_PER_CONNECTION: z.coerce.number().int().min(1).max(1_000).default(50),
  /** The largest WebSocket message a client may send; a bigger one closes the socket with 1009. */
  SUBSCRIPTION_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
};

/** Limits of the GraphQL-over-WebSocket endpoint (docs/subscriptions.md). */
export interface SubscriptionLimits {
  initTimeoutMs: number;
  maxPerConnection: number;
  maxMessageBytes: number;
}

export interface GatewaySettings {
  nodeEnv: 'development' | 'test' | 'production';
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  host: string;
  port: number;
  supergraphPath: string;
  jwksUrl: string;
  jwksMinRefreshSeconds: number;
  issuer: string;
  audience: string;
  gatewaySecret: string;
  introspection: boolean;
  landingPage: boolean;
  subgraphTimeoutMs: number;
  maxBodyBytes: number;
  apolloTelemetry: boolean;
  /** Kafka bootstrap servers the subscription events come from; empty: no bus of its own. */
  kafkaBrokers: string[];
  subscriptions: SubscriptionLimits;
  /** Per-subgraph URL overrides (`SUBGRAPH_<NAME>_URL`); otherwise the supergraph's URLs apply. */
  subgraphUrls: Record<string, string>;
}

const subgraphUrlVariable = /^SUBGRAPH_([A-Z0-9_]+)_URL$/;

export function parseGatewaySettings(environment: Environment): GatewaySettings {
  const subgraphUrls: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(environment)) {
    const match = subgraphUrlVariable.exec(name);
    if (match?.[1] === undefined || value === undefined || value === '') continue;
    if (!z.url().safeParse(value).success) problems.push(`${name}: must be a URL`);
    else subgraphUrls[match[1].toLowerCase()] = value;
  }
  let parsed: ReturnType<typeof parseEnvironment<typeof gatewayEnvironmentShape>>;
  try {
    parsed = parseEnvironment(gatewayEnvironmentShape, environment);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError([...error.problems, ...problems]);
    throw error;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const production = parsed.NODE_ENV === 'production';
  return {
    nodeEnv: parsed.NODE_ENV,
    logLevel: parsed.LOG_LEVEL,
    host: parsed.HOST,
    port: parsed.GATEWAY_PORT,
    supergraphPath: parsed.SUPERGRAPH_PATH,
    jwksUrl: parsed.ACCOUNTS_JWKS_URL,
    jwksMinRefreshSeconds: parsed.JWKS_MIN_REFRESH_SECONDS,
    issuer: parsed.JWT_ISSUER,
    audience: parsed.JWT_AUDIENCE,
    gatewaySecret: parsed.GATEWAY_SHARED_SECRET,
    introspection: parsed.GATEWAY_INTROSPECTION ?? !production,
    landingPage: parsed.GATEWAY_LANDING_PAGE ?? !production,
    subgraphTimeoutMs: parsed.SUBGRAPH_TIMEOUT_MS,
    maxBodyBytes: parsed.MAX_REQUEST_BODY_BYTES,
    apolloTelemetry: parsed.GATEWAY_APOLLO_TELEMETRY,
    kafkaBrokers: parsed.KAFKA_BROKERS,
    subscriptions: {
      initTimeoutMs: parsed.SUBSCRIPTION_INIT_TIMEOUT_MS,
      maxPerConnection: parsed.SUBSCRIPTION_MAX_PER_CONNECTION,
      maxMessageBytes: parsed.SUBSCRIPTION_MAX_MESSAGE_BYTES,
    },
    subgraphUrls,
  };
}
