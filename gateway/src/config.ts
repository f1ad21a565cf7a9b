import { join } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  DEFAULT_GATEWAY_PORT,
  defineSettings,
  env,
  parseOriginList,
  projectRoot,
  setting,
  sharedSettings,
  supergraphPath,
  type CrossOriginPolicy,
  type Environment,
  type SettingDocumentation,
  type SettingsOf,
} from '#kit';

const count = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const perSecond = (fallback: number) => z.coerce.number().min(0).max(1_000_000).default(fallback);

/** Per-subgraph variables, read by pattern rather than declared one by one (parsePerSubgraph). */
const perSubgraphDocumentation: readonly SettingDocumentation[] = [
  ['SUBGRAPH_<NAME>_URL', 'the URL in the supergraph', 'Where to reach one subgraph, e.g. `SUBGRAPH_ACCOUNTS_URL`.'],
  ['SUBGRAPH_<NAME>_TIMEOUT_MS', '`SUBGRAPH_TIMEOUT_MS`', "One subgraph's time budget, retries included."],
  [
    'SUBGRAPH_<NAME>_RATE_LIMIT_PER_SECOND',
    '`GATEWAY_RATE_LIMIT_SUBGRAPH_PER_SECOND`',
    'Requests the gateway sends to one subgraph, over all callers.',
  ],
  ['SUBGRAPH_<NAME>_RATE_LIMIT_BURST', "two seconds' worth", "The burst of one subgraph's rate limit; needs its `_RATE_LIMIT_PER_SECOND`."],
].map(([variable, defaultValue, description]) => ({
  variable: variable!,
  defaultValue,
  description: description!,
  productionSecret: false,
  requiredInProduction: false,
}));

const tokenBucket = (variablePrefix: string, refill: number, burst: number, who: string) => ({
  refillPerSecond: setting(
    `${variablePrefix}_PER_SECOND`,
    perSecond(refill),
    `Requests per second ${who} (the bucket's refill rate); 0: unlimited.`,
  ),
  capacity: setting(`${variablePrefix}_BURST`, count(1, 1_000_000, burst), `The most requests at once ${who} (the bucket's capacity).`),
});

export const gatewaySettings = defineSettings({
  ...sharedSettings,
  port: setting('GATEWAY_PORT', env.port(DEFAULT_GATEWAY_PORT), 'The public port.'),
  supergraphPath: setting('SUPERGRAPH_PATH', z.string().default(supergraphPath), 'The composed supergraph.', {
    documentedDefault: '`schema/supergraph.graphql`',
  }),
  errorCodesPath: setting(
    'ERROR_CODES_PATH',
    z.string().default(join(projectRoot, 'schema', 'error-codes.json')),
    "The subgraphs' domain error codes, composed beside the supergraph: the gateway passes these codes to clients with their HTTP status and masks any other.",
    { documentedDefault: '`schema/error-codes.json`' },
  ),
  introspection: setting('GATEWAY_INTROSPECTION', env.optionalFlag(), 'Introspection; on by default outside production.', {
    documentedDefault: 'on outside production',
  }),
  landingPage: setting('GATEWAY_LANDING_PAGE', env.optionalFlag(), 'Apollo Sandbox at `/`; on by default outside production.', {
    documentedDefault: 'on outside production',
  }),
  apolloTelemetry: setting(
    'GATEWAY_APOLLO_TELEMETRY',
    env.flag(false),
    'Lets @apollo/gateway send its anonymous usage metrics to Apollo (it also probes cloud metadata endpoints); off keeps the gateway from calling anything but the subgraphs.',
  ),
  subgraphTimeoutMs: setting(
    'SUBGRAPH_TIMEOUT_MS',
    count(100, 120_000, 10_000),
    'The time budget of a subgraph request; `SUBGRAPH_<NAME>_TIMEOUT_MS` overrides it per subgraph.',
  ),
  maxBodyBytes: setting('MAX_REQUEST_BODY_BYTES', z.coerce.number().int().min(1024).default(1_000_000), 'Larger request bodies get 413.'),
  subscriptions: {
    initTimeoutMs: setting(
      'SUBSCRIPTION_INIT_TIMEOUT_MS',
      count(100, 60_000, 3_000),
      'How long a new WebSocket may take to send connection_init before it is closed with 4408.',
    ),
    maxPerConnection: setting('SUBSCRIPTION_MAX_PER_CONNECTION', count(1, 1_000, 50), 'Subscriptions open at once on one connection.'),
    maxMessageBytes: setting(
      'SUBSCRIPTION_MAX_MESSAGE_BYTES',
      count(1024, 10 * 1024 * 1024, 64 * 1024),
      'The largest WebSocket message a client may send; a bigger one closes the socket with 1009.',
    ),
  },
  shutdownGraceMs: setting(
    'GATEWAY_SHUTDOWN_GRACE_MS',
    count(0, 300_000, 10_000),
    'How long stop() waits for in-flight HTTP requests before cutting connections.',
  ),
  deduplicateFetches: setting(
    'GATEWAY_DEDUPLICATE_FETCHES',
    env.flag(true),
    'Identical subgraph reads in flight for the same token share one request.',
  ),
  executor: setting(
    'GATEWAY_EXECUTOR',
    z.enum(['compiled', 'stock']).default('compiled'),
    "How query plans are executed: `compiled`, the gateway's own executor with each operation's plan and response shaping prepared once; `stock`, @apollo/gateway's (docs/gateway-performance.md).",
  ),
  maxPreparedOperations: setting(
    'GATEWAY_PREPARED_OPERATIONS',
    z.coerce.number().int().min(1).max(1_000_000).default(5_000),
    'Prepared operations (plan and compiled shaping) kept per worker, least recently used evicted.',
  ),
  workers: setting(
    'GATEWAY_WORKERS',
    z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default(1),
    'Worker processes sharing the port (node:cluster); `auto`: one per core, resolved by the primary. 1 runs no cluster. In-memory rate limits are shared out among the workers (docs/gateway-performance.md).',
  ),

  // Browsers on other origins (docs/gateway-protections.md, "Cross-origin requests").
  corsOrigins: setting(
    'GATEWAY_CORS_ORIGINS',
    z.string().optional(),
    'Origins whose web pages may call the gateway (and open WebSockets): `*`, or comma-separated exact origins; unset: `*` outside production, none in production.',
    { documentedDefault: '`*` outside production, none in production' },
  ),
  corsCredentials: setting(
    'GATEWAY_CORS_CREDENTIALS',
    env.flag(false),
    'Send `Access-Control-Allow-Credentials`; refused with `*` origins in production.',
  ),

  // Protections (docs/gateway-protections.md).
  protection: {
    rateLimits: {
      enabled: setting('GATEWAY_RATE_LIMITS', env.flag(true), 'All rate limits on or off.'),
      user: tokenBucket('GATEWAY_RATE_LIMIT_USER', 20, 100, "per signed-in user, keyed by the token's subject"),
      anonymous: tokenBucket('GATEWAY_RATE_LIMIT_ANONYMOUS', 50, 200, 'per client address (IPv6 by /64) of callers without a token'),
      subgraphDefault: {
        refillPerSecond: setting(
          'GATEWAY_RATE_LIMIT_SUBGRAPH_PER_SECOND',
          perSecond(0),
          'Requests the gateway sends to each subgraph, over all callers; 0: subgraphs are not rate-limited unless SUBGRAPH_<NAME>_RATE_LIMIT_PER_SECOND says so.',
        ),
        capacity: setting(
          'GATEWAY_RATE_LIMIT_SUBGRAPH_BURST',
          z.coerce.number().int().min(1).max(1_000_000).optional(),
          "The burst of each subgraph's rate limit.",
          { documentedDefault: "two seconds' worth" },
        ),
      },
      trustedProxyHops: setting(
        'GATEWAY_TRUSTED_PROXY_HOPS',
        count(0, 10, 0),
        'Proxies in front of the gateway whose X-Forwarded-For entries are trusted; 0 trusts none.',
      ),
      redisUrl: setting(
        'REDIS_URL',
        z
          .string()
          .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
          .optional(),
        'Shares rate-limit counters between gateway instances; unset keeps them in memory.',
      ),
    },
    // Checked before an operation is validated or planned; each has its own error code.
    operationLimits: {
      maxDepth: setting('GATEWAY_MAX_DEPTH', count(1, 1_000, 10), 'The deepest selection an operation may have.'),
      maxAliases: setting('GATEWAY_MAX_ALIASES', count(0, 10_000, 15), 'Aliases an operation may use.'),
      maxRootFields: setting('GATEWAY_MAX_ROOT_FIELDS', count(1, 1_000, 10), 'Root fields an operation may select.'),
      maxTokens: setting('GATEWAY_MAX_TOKENS', count(10, 1_000_000, 2_000), "Tokens an operation's text may hold."),
      maxCost: setting('GATEWAY_MAX_COST', count(1, 100_000_000, 5_000), "An operation's estimated cost."),
    },
    allowBatching: setting('GATEWAY_ALLOW_BATCHING', env.flag(false), 'JSON-array batches of operations.'),
    maxBatchSize: setting('GATEWAY_MAX_BATCH_SIZE', count(1, 1_000, 10), 'Operations in one batch.'),
    persistedQueries: setting('GATEWAY_PERSISTED_QUERIES', env.flag(true), 'Automatic persisted queries.'),
    apqCacheMaxBytes: setting(
      'GATEWAY_APQ_CACHE_MAX_BYTES',
      count(0, 1024 * 1024 * 1024, 16 * 1024 * 1024),
      'The persisted-query cache, a least-recently-used cache of at most this many bytes.',
    ),
    safelistPath: setting('GATEWAY_SAFELIST_PATH', z.string().optional(), 'A persisted-query manifest; when set, only its operations run.'),
    responseCache: setting('GATEWAY_RESPONSE_CACHE', env.flag(true), 'A shared cache of anonymous, public (catalog) responses.'),
    responseCacheMaxBytes: setting(
      'GATEWAY_RESPONSE_CACHE_MAX_BYTES',
      count(0, 4 * 1024 * 1024 * 1024, 64 * 1024 * 1024),
      'The size of the response cache.',
    ),
    fieldSuggestions: setting(
      'GATEWAY_FIELD_SUGGESTIONS',
      env.optionalFlag(),
      '"Did you mean …" in validation errors; hidden in production by default.',
      { documentedDefault: 'on outside production' },
    ),
  },

  // Fault tolerance.
  resilience: {
    retries: setting(
      'SUBGRAPH_RETRIES',
      count(0, 10, 2),
      'Retries of a failed read (never a mutation) after the first attempt, exponential with jitter.',
    ),
    retryBaseDelayMs: setting('SUBGRAPH_RETRY_BASE_DELAY_MS', count(1, 60_000, 50), 'The wait before the first retry.'),
    retryMaxDelayMs: setting(
      'SUBGRAPH_RETRY_MAX_DELAY_MS',
      count(1, 60_000, 1_000),
      'The longest wait between retries; not below the base delay.',
    ),
    circuit: {
      failureThreshold: setting('CIRCUIT_FAILURE_THRESHOLD', count(1, 10_000, 5), "Consecutive failures that open a subgraph's circuit."),
      failureRate: setting(
        'CIRCUIT_FAILURE_RATE',
        z.coerce.number().gt(0).max(1).default(0.5),
        'Failure share over the window that opens it, once the window holds CIRCUIT_MINIMUM_REQUESTS.',
      ),
      minimumRequests: setting(
        'CIRCUIT_MINIMUM_REQUESTS',
        count(1, 100_000, 20),
        'Requests a window needs before its failure rate counts.',
      ),
      windowMs: setting('CIRCUIT_WINDOW_MS', count(100, 3_600_000, 10_000), 'The window failure rates are measured over.'),
      coolDownMs: setting(
        'CIRCUIT_COOL_DOWN_MS',
        count(10, 3_600_000, 5_000),
        'How long an open circuit fails fast before letting probes through.',
      ),
      halfOpenProbes: setting('CIRCUIT_HALF_OPEN_PROBES', count(1, 1_000, 1), 'Requests let through at once while half-open.'),
    },
  },
});

/** Every variable the gateway reads, for the configuration documentation. */
export function documentGatewaySettings(): SettingDocumentation[] {
  return [...gatewaySettings.document(), ...perSubgraphDocumentation];
}

/** A token bucket: `capacity` requests at once, refilled at `refillPerSecond`. */
export interface TokenBucketRule {
  capacity: number;
  refillPerSecond: number;
}

export type GatewaySettings = ReturnType<typeof parseGatewaySettings>;
/** Limits of the GraphQL-over-WebSocket endpoint (docs/subscriptions.md). */
export type SubscriptionLimits = GatewaySettings['subscriptions'];
export type ProtectionSettings = GatewaySettings['protection'];
export type RateLimitSettings = ProtectionSettings['rateLimits'];
export type OperationLimits = ProtectionSettings['operationLimits'];
export type ResilienceSettings = GatewaySettings['resilience'];
export type CircuitBreakerSettings = ResilienceSettings['circuit'];

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
    TIMEOUT_MS: [
      z.coerce.number().int().min(100).max(120_000),
      found.timeouts,
      'must be a whole number of milliseconds from 100 to 120000',
    ],
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
    if (found.ratePerSecond[name] === undefined)
      problems.push(`SUBGRAPH_${name.toUpperCase()}_RATE_LIMIT_BURST: needs SUBGRAPH_${name.toUpperCase()}_RATE_LIMIT_PER_SECOND`);
  }
  return found;
}

/** A burst defaults to two seconds' worth of requests, at least one. */
const bucket = (refillPerSecond: number, capacity?: number): TokenBucketRule => ({
  refillPerSecond,
  capacity: capacity ?? Math.max(1, Math.ceil(refillPerSecond * 2)),
});

export function parseGatewaySettings(environment: Environment) {
  const problems: string[] = [];
  const perSubgraph = parsePerSubgraph(environment, problems);
  let parsed: SettingsOf<typeof gatewaySettings.group>;
  try {
    parsed = gatewaySettings.parse(environment);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError([...error.problems, ...problems]);
    throw error;
  }
  const { corsOrigins, corsCredentials, protection, resilience, ...rest } = parsed;
  if (resilience.retryMaxDelayMs < resilience.retryBaseDelayMs) {
    problems.push('SUBGRAPH_RETRY_MAX_DELAY_MS: must not be below SUBGRAPH_RETRY_BASE_DELAY_MS');
  }
  const production = parsed.nodeEnv === 'production';
  const crossOrigin = parseCrossOrigin(corsOrigins, corsCredentials, production, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const subgraphDefault = protection.rateLimits.subgraphDefault;
  const rateLimits: {
    /** Requests the gateway sends to each subgraph, over all callers; absent: unlimited. */
    subgraphDefault: TokenBucketRule | undefined;
    subgraphs: Record<string, TokenBucketRule>;
  } = {
    subgraphDefault: subgraphDefault.refillPerSecond > 0 ? bucket(subgraphDefault.refillPerSecond, subgraphDefault.capacity) : undefined,
    subgraphs: Object.fromEntries(
      Object.entries(perSubgraph.ratePerSecond).map(([name, rate]) => [name, bucket(rate, perSubgraph.burst[name])]),
    ),
  };
  return {
    ...rest,
    introspection: parsed.introspection ?? !production,
    landingPage: parsed.landingPage ?? !production,
    /** Per-subgraph URL overrides (`SUBGRAPH_<NAME>_URL`); otherwise the supergraph's URLs apply. */
    subgraphUrls: perSubgraph.urls,
    protection: {
      ...protection,
      rateLimits: { ...protection.rateLimits, ...rateLimits },
      fieldSuggestions: protection.fieldSuggestions ?? !production,
    },
    resilience: {
      ...resilience,
      /** Per subgraph (`SUBGRAPH_<NAME>_TIMEOUT_MS`); others use SUBGRAPH_TIMEOUT_MS. Bounds retries too. */
      subgraphTimeouts: perSubgraph.timeouts,
    },
    /** Which web origins may call the gateway from a browser; also checked on WebSocket upgrades. */
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
