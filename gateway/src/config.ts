import { z } from 'zod';
import {
  env,
  identitySettings,
  parseEnvironment,
  parseOriginList,
  sharedEnvironmentShape,
  supergraphPath,
  ConfigError,
  type CrossOriginPolicy,
  type Environment,
} from '#kit';

const count = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const perSecond = (fallback: number) => z.coerce.number().min(0).max(1_000_000).default(fallback);

const gatewayEnvironmentShape = {
  ...sharedEnvironmentShape,
  GATEWAY_PORT: env.port(4000),
  SUPERGRAPH_PATH: z.string().default(supergraphPath),
  /** Sandbox and introspection; on by default outside production. */
  GATEWAY_INTROSPECTION: env.optionalFlag(),
  GATEWAY_LANDING_PAGE: env.optionalFlag(),
  /** Lets @apollo/gateway send its anonymous usage metrics to Apollo; off by default. */
  GATEWAY_APOLLO_TELEMETRY: env.flag(false),
  SUBGRAPH_TIMEOUT_MS: count(100, 120_000, 10_000),
  MAX_REQUEST_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  /** How long a new WebSocket may take to send connection_init before it is closed with 4408. */
  SUBSCRIPTION_INIT_TIMEOUT_MS: count(100, 60_000, 3_000),
  SUBSCRIPTION_MAX_PER_CONNECTION: count(1, 1_000, 50),
  /** The largest WebSocket message a client may send; a bigger one closes the socket with 1009. */
  SUBSCRIPTION_MAX_MESSAGE_BYTES: count(1024, 10 * 1024 * 1024, 64 * 1024),
  /** How long stop() waits for in-flight HTTP requests before cutting connections. */
  GATEWAY_SHUTDOWN_GRACE_MS: count(0, 300_000, 10_000),
  /** Identical subgraph reads in flight for the same token share one request. */
  GATEWAY_DEDUPLICATE_FETCHES: env.flag(true),
  GATEWAY_EXECUTOR: z.enum(['compiled', 'stock']).default('compiled'),
  GATEWAY_PREPARED_OPERATIONS: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
  /** Worker processes sharing the port (node:cluster); `auto`: one per core. 1 runs no cluster. */
  GATEWAY_WORKERS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default(1),

  // Browsers on other origins (docs/gateway-protections.md, "Cross-origin requests").
  /** `*`, or comma-separated exact origins; unset: `*` outside production, none in production. */
  GATEWAY_CORS_ORIGINS: z.string().optional(),
  GATEWAY_CORS_CREDENTIALS: env.flag(false),

  // Protections (docs/gateway-protections.md).
  GATEWAY_RATE_LIMITS: env.flag(true),
  GATEWAY_RATE_LIMIT_USER_PER_SECOND: perSecond(20),
  GATEWAY_RATE_LIMIT_USER_BURST: count(1, 1_000_000, 100),
  GATEWAY_RATE_LIMIT_ANONYMOUS_PER_SECOND: perSecond(50),
  GATEWAY_RATE_LIMIT_ANONYMOUS_BURST: count(1, 1_000_000, 200),
  /** 0: subgraphs are not rate-limited unless SUBGRAPH_<NAME>_RATE_LIMIT_PER_SECOND says so. */
  GATEWAY_RATE_LIMIT_SUBGRAPH_PER_SECOND: perSecond(0),
  GATEWAY_RATE_LIMIT_SUBGRAPH_BURST: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** Proxies in front of the gateway whose X-Forwarded-For entries are trusted; 0 trusts none. */
  GATEWAY_TRUSTED_PROXY_HOPS: count(0, 10, 0),
  /** Shares rate-limit counters between gateway instances; unset keeps them in memory. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  GATEWAY_MAX_DEPTH: count(1, 1_000, 10),
  GATEWAY_MAX_ALIASES: count(0, 10_000, 15),
  GATEWAY_MAX_ROOT_FIELDS: count(1, 1_000, 10),
  GATEWAY_MAX_TOKENS: count(10, 1_000_000, 2_000),
  GATEWAY_MAX_COST: count(1, 100_000_000, 5_000),
  GATEWAY_ALLOW_BATCHING: env.flag(false),
  GATEWAY_MAX_BATCH_SIZE: count(1, 1_000, 10),
  GATEWAY_PERSISTED_QUERIES: env.flag(true),
  GATEWAY_APQ_CACHE_MAX_BYTES: count(0, 1024 * 1024 * 1024, 16 * 1024 * 1024),
  GATEWAY_SAFELIST_PATH: z.string().optional(),
  GATEWAY_RESPONSE_CACHE: env.flag(true),
  GATEWAY_RESPONSE_CACHE_MAX_BYTES: count(0, 4 * 1024 * 1024 * 1024, 64 * 1024 * 1024),
  /** "Did you mean …" in validation errors; hidden in production by default. */
  GATEWAY_FIELD_SUGGESTIONS: env.optionalFlag(),

  // Fault tolerance.
  SUBGRAPH_RETRIES: count(0, 10, 2),
  SUBGRAPH_RETRY_BASE_DELAY_MS: count(1, 60_000, 50),
  SUBGRAPH_RETRY_MAX_DELAY_MS: count(1, 60_000, 1_000),
  CIRCUIT_FAILURE_THRESHOLD: count(1, 10_000, 5),
  CIRCUIT_FAILURE_RATE: z.coerce.number().gt(0).max(1).default(0.5),
  CIRCUIT_MINIMUM_REQUESTS: count(1, 100_000, 20),
  CIRCUIT_WINDOW_MS: count(100, 3_600_000, 10_000),
  CIRCUIT_COOL_DOWN_MS: count(10, 3_600_000, 5_000),
  CIRCUIT_HALF_OPEN_PROBES: count(1, 1_000, 1),
};

/** Limits of the GraphQL-over-WebSocket endpoint (docs/subscriptions.md). */
export interface SubscriptionLimits {
  initTimeoutMs: number;
  maxPerConnection: number;
  maxMessageBytes: number;
}

/** A token bucket: `capacity` requests at once, refilled at `refillPerSecond`. */
export interface TokenBucketRule {
  capacity: number;
  refillPerSecond: number;
}

export interface RateLimitSettings {
  enabled: boolean;
  /** Per signed-in user, keyed by the token's subject. */
  user: TokenBucketRule;
  /** Per client address (IPv6 by /64), for callers without a token. */
  anonymous: TokenBucketRule;
  /** Requests the gateway sends to each subgraph, over all callers; absent: unlimited. */
  subgraphDefault: TokenBucketRule | undefined;
  subgraphs: Record<string, TokenBucketRule>;
  trustedProxyHops: number;
  redisUrl: string | undefined;
}

/** Checked before an operation is validated or planned; each has its own error code. */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxTokens: number;
  maxCost: number;
}

export interface ProtectionSettings {
  rateLimits: RateLimitSettings;
  operationLimits: OperationLimits;
  allowBatching: boolean;
  maxBatchSize: number;
  /** Automatic persisted queries; the cache is an LRU of at most `apqCacheMaxBytes`. */
  persistedQueries: boolean;
  apqCacheMaxBytes: number;
  /** A persisted-query manifest; when set, only its operations run. */
  safelistPath: string | undefined;
  responseCache: boolean;
  responseCacheMaxBytes: number;
  fieldSuggestions: boolean;
}

export interface CircuitBreakerSettings {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** Failure share over the window that opens it, once the window holds `minimumRequests`. */
  failureRate: number;
  minimumRequests: number;
  windowMs: number;
  /** How long an open circuit fails fast before letting probes through. */
  coolDownMs: number;
  /** Requests let through at once while half-open. */
  halfOpenProbes: number;
}

export interface ResilienceSettings {
  /** Per subgraph (`SUBGRAPH_<NAME>_TIMEOUT_MS`); others use SUBGRAPH_TIMEOUT_MS. Bounds retries too. */
  subgraphTimeouts: Record<string, number>;
  retries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  circuit: CircuitBreakerSettings;
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
  /** ACCESS_TOKEN_TTL_SECONDS: how long access revocations are kept and replayed. */
  accessTokenTtlSeconds: number;
  gatewaySecret: string;
  introspection: boolean;
  landingPage: boolean;
  /** The default subgraph timeout; see resilience.subgraphTimeouts for overrides. */
  subgraphTimeoutMs: number;
  maxBodyBytes: number;
  shutdownGraceMs: number;
  apolloTelemetry: boolean;
  /** Identical subgraph reads in flight for the same token share one request (GATEWAY_DEDUPLICATE_FETCHES). */
  deduplicateFetches: boolean;
  /**
   * How query plans are executed (GATEWAY_EXECUTOR): `compiled`, the gateway's own executor with each
   * operation's plan and response shaping prepared once; `stock`, @apollo/gateway's.
   */
  executor: 'compiled' | 'stock';
  /** Prepared operations (plan and compiled shaping) kept per worker (GATEWAY_PREPARED_OPERATIONS). */
  maxPreparedOperations: number;
  /** Worker processes (GATEWAY_WORKERS), 'auto' resolved to the core count by the primary. */
  workers: number | 'auto';
  /** Kafka bootstrap servers the subscription events come from; empty: no bus of its own. */
  kafkaBrokers: string[];
  /** Prefix of topics and consumer groups (KAFKA_NAMESPACE). */
  kafkaNamespace: string;
  subscriptions: SubscriptionLimits;
  /** Per-subgraph URL overrides (`SUBGRAPH_<NAME>_URL`); otherwise the supergraph's URLs apply. */
  subgraphUrls: Record<string, string>;
  protection: ProtectionSettings;
  resilience: ResilienceSettings;
  /** Which web origins may call the gateway from a browser; also checked on WebSocket upgrades. */
  crossOrigin: CrossOriginPolicy;
}

/** Variables named after a subgraph: `SUBGRAPH_<NAME>_<SETTING>`. */
const perSubgraphVariable = /^SUBGRAPH_([A-Z0-9_]+?)_(URL|TIMEOUT_MS|RATE_LIMIT_PER_SECOND|RATE_LIMIT_BURST)$/;

interface PerSubgraph {
  urls: Record<string, string>;
  timeouts: Record<string, number>;
  ratePerSecond: Record<string, number>;
  burst: Record<string, number>;
}

function parsePerSubgraph(environment: Environment, problems: string[]): PerSubgraph {
  const found: PerSubgraph = { urls: {}, timeouts: {}, ratePerSecond: {}, burst: {} };
  const checks = {
    URL: [z.url(), found.urls, 'must be a URL'],
    TIMEOUT_MS: [z.coerce.number().int().min(100).max(120_000), found.timeouts, 'must be a whole number of milliseconds from 100 to 120000'],
    RATE_LIMIT_PER_SECOND: [z.coerce.number().gt(0).max(1_000_000), found.ratePerSecond, 'must be a number above 0'],
    RATE_LIMIT_BURST: [z.coerce.number().int().min(1).max(1_000_000), found.burst, 'must be a whole number from 1'],
  } as const;
  for (const [name, value] of Object.entries(environment)) {
    const match = perSubgraphVariable.exec(name);
    if (match?.[1] === undefined || value === undefined || value === '') continue;
    const [schema, target, problem] = checks[match[2] as keyof typeof checks];
    const parsed = schema.safeParse(value);
    if (!parsed.success) problems.push(`${name}: ${problem}`);
    else (target as Record<string, unknown>)[match[1].toLowerCase()] = parsed.data;
  }
  for (const name of Object.keys(found.burst)) {
    if (found.ratePerSecond[name] === undefined) problems.push(`SUBGRAPH_${name.toUpperCase()}_RATE_LIMIT_BURST: needs SUBGRAPH_${name.toUpperCase()}_RATE_LIMIT_PER_SECOND`);
  }
  return found;
}

/** A burst defaults to two seconds' worth of requests, at least one. */
const bucket = (refillPerSecond: number, capacity?: number): TokenBucketRule => ({
  refillPerSecond,
  capacity: capacity ?? Math.max(1, Math.ceil(refillPerSecond * 2)),
});

export function parseGatewaySettings(environment: Environment): GatewaySettings {
  const problems: string[] = [];
  const perSubgraph = parsePerSubgraph(environment, problems);
  let parsed: ReturnType<typeof parseEnvironment<typeof gatewayEnvironmentShape>>;
  try {
    parsed = parseEnvironment(gatewayEnvironmentShape, environment);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError([...error.problems, ...problems]);
    throw error;
  }
  if (parsed.SUBGRAPH_RETRY_MAX_DELAY_MS < parsed.SUBGRAPH_RETRY_BASE_DELAY_MS) {
    problems.push('SUBGRAPH_RETRY_MAX_DELAY_MS: must not be below SUBGRAPH_RETRY_BASE_DELAY_MS');
  }
  const production = parsed.NODE_ENV === 'production';
  const crossOrigin = parseCrossOrigin(parsed.GATEWAY_CORS_ORIGINS, parsed.GATEWAY_CORS_CREDENTIALS, production, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const subgraphRate = parsed.GATEWAY_RATE_LIMIT_SUBGRAPH_PER_SECOND;
  return {
    nodeEnv: parsed.NODE_ENV,
    logLevel: parsed.LOG_LEVEL,
    host: parsed.HOST,
    port: parsed.GATEWAY_PORT,
    supergraphPath: parsed.SUPERGRAPH_PATH,
    ...identitySettings(parsed),
    gatewaySecret: parsed.GATEWAY_SHARED_SECRET,
    introspection: parsed.GATEWAY_INTROSPECTION ?? !production,
    landingPage: parsed.GATEWAY_LANDING_PAGE ?? !production,
    subgraphTimeoutMs: parsed.SUBGRAPH_TIMEOUT_MS,
    maxBodyBytes: parsed.MAX_REQUEST_BODY_BYTES,
    shutdownGraceMs: parsed.GATEWAY_SHUTDOWN_GRACE_MS,
    apolloTelemetry: parsed.GATEWAY_APOLLO_TELEMETRY,
    deduplicateFetches: parsed.GATEWAY_DEDUPLICATE_FETCHES,
    executor: parsed.GATEWAY_EXECUTOR,
    maxPreparedOperations: parsed.GATEWAY_PREPARED_OPERATIONS,
    workers: parsed.GATEWAY_WORKERS,
    kafkaBrokers: parsed.KAFKA_BROKERS,
    kafkaNamespace: parsed.KAFKA_NAMESPACE,
    subscriptions: {
      initTimeoutMs: parsed.SUBSCRIPTION_INIT_TIMEOUT_MS,
      maxPerConnection: parsed.SUBSCRIPTION_MAX_PER_CONNECTION,
      maxMessageBytes: parsed.SUBSCRIPTION_MAX_MESSAGE_BYTES,
    },
    subgraphUrls: perSubgraph.urls,
    protection: {
      rateLimits: {
        enabled: parsed.GATEWAY_RATE_LIMITS,
        user: bucket(parsed.GATEWAY_RATE_LIMIT_USER_PER_SECOND, parsed.GATEWAY_RATE_LIMIT_USER_BURST),
        anonymous: bucket(parsed.GATEWAY_RATE_LIMIT_ANONYMOUS_PER_SECOND, parsed.GATEWAY_RATE_LIMIT_ANONYMOUS_BURST),
        subgraphDefault: subgraphRate > 0 ? bucket(subgraphRate, parsed.GATEWAY_RATE_LIMIT_SUBGRAPH_BURST) : undefined,
        subgraphs: Object.fromEntries(
          Object.entries(perSubgraph.ratePerSecond).map(([name, rate]) => [name, bucket(rate, perSubgraph.burst[name])]),
        ),
        trustedProxyHops: parsed.GATEWAY_TRUSTED_PROXY_HOPS,
        redisUrl: parsed.REDIS_URL,
      },
      operationLimits: {
        maxDepth: parsed.GATEWAY_MAX_DEPTH,
        maxAliases: parsed.GATEWAY_MAX_ALIASES,
        maxRootFields: parsed.GATEWAY_MAX_ROOT_FIELDS,
        maxTokens: parsed.GATEWAY_MAX_TOKENS,
        maxCost: parsed.GATEWAY_MAX_COST,
      },
      allowBatching: parsed.GATEWAY_ALLOW_BATCHING,
      maxBatchSize: parsed.GATEWAY_MAX_BATCH_SIZE,
      persistedQueries: parsed.GATEWAY_PERSISTED_QUERIES,
      apqCacheMaxBytes: parsed.GATEWAY_APQ_CACHE_MAX_BYTES,
      safelistPath: parsed.GATEWAY_SAFELIST_PATH,
      responseCache: parsed.GATEWAY_RESPONSE_CACHE,
      responseCacheMaxBytes: parsed.GATEWAY_RESPONSE_CACHE_MAX_BYTES,
      fieldSuggestions: parsed.GATEWAY_FIELD_SUGGESTIONS ?? !production,
    },
    resilience: {
      subgraphTimeouts: perSubgraph.timeouts,
      retries: parsed.SUBGRAPH_RETRIES,
      retryBaseDelayMs: parsed.SUBGRAPH_RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: parsed.SUBGRAPH_RETRY_MAX_DELAY_MS,
      circuit: {
        failureThreshold: parsed.CIRCUIT_FAILURE_THRESHOLD,
        failureRate: parsed.CIRCUIT_FAILURE_RATE,
        minimumRequests: parsed.CIRCUIT_MINIMUM_REQUESTS,
        windowMs: parsed.CIRCUIT_WINDOW_MS,
        coolDownMs: parsed.CIRCUIT_COOL_DOWN_MS,
        halfOpenProbes: parsed.CIRCUIT_HALF_OPEN_PROBES,
      },
    },
    crossOrigin,
  };
}

/**
 * Development and tests let any page call the gateway, so a web app on another
 * port works at once; production lets none unless its origins are listed.
 * Any origin with credentials is refused in production: every site on the web
 * could then make a signed-in visitor's browser read the answers.
 */
function parseCrossOrigin(value: string | undefined, credentials: boolean, production: boolean, problems: string[]): CrossOriginPolicy {
  const listed = parseOriginList(value ?? (production ? '' : '*'));
  if ('problems' in listed) {
    problems.push(...listed.problems.map((problem) => `GATEWAY_CORS_ORIGINS: ${problem}`));
    return { origins: new Set(), credentials };
  }
  if (production && credentials && listed.origins === '*') {
    problems.push('GATEWAY_CORS_CREDENTIALS: cannot be on while GATEWAY_CORS_ORIGINS is `*` in production; list the origins');
  }
  return { origins: listed.origins, credentials };
}
