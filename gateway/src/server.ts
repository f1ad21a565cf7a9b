import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  controlCharacterGuardPlugin,
  createServiceTelemetry,
  operationObservabilityPlugin,
  refusingRevokedTokens,
  remoteTokenVerifier,
  startRevocationFeed,
  startHttpService,
  TOPIC_PARTITIONS,
  unexpectedErrorLoggingPlugin,
  type AccessRevocations,
  type AccessTokenVerifier,
  type EventBus,
  type Logger,
  type RunningService,
} from '#kit';
import { authenticate } from './authenticate.js';
import type { GatewaySettings } from './config.js';
import type { GatewayContext } from './gateway-context.js';
import { formatGatewayError } from './gateway-errors.js';
import { registerDomainErrorCodes } from './domain-error-codes.js';
import { completionErrorsPlugin } from './completion-errors-plugin.js';
import { responseStatusPlugin } from './response-status-plugin.js';
import {
  clientAddress,
  costLimitPlugin,
  FrontDoor,
  GuardedApolloServer,
  MemoryRateLimitStore,
  RateLimiter,
  RedisRateLimitStore,
  Safelist,
  sharedResponseCache,
  signedInResponsesArePrivate,
  type RateLimitStore,
} from './protection/index.js';
import type { CircuitState } from './resilience/index.js';
import { subgraphServices } from './subgraph-services.js';
import { CompiledPlanGateway } from './execution/index.js';
import { readDeclarations } from './declarations/supergraph-declarations.js';
import { forwardedRoutes, subgraphBaseUrls } from './route-forwarding.js';
import { observeCircuitStates, observeSubscriptions } from './observability/index.js';
import {
  attachSubscriptionServer,
  refuseSubscriptions,
  startEventFanout,
  subscriptionRegistry,
  topicsOf,
  type EventFanout,
  type SubscriptionServer,
} from './subscriptions/index.js';

export interface GatewayDependencies {
  logger: Logger;
  /** Defaults to verifying against the accounts JWKS at settings.jwksUrl. */
  tokenVerifier?: AccessTokenVerifier;
  /** Where subscription events come from; without one, WebSocket upgrades are answered 503. */
  eventBus?: EventBus;
  /** Where rate-limit counters live; defaults to Redis at settings' REDIS_URL, else memory. */
  rateLimitStore?: RateLimitStore;
  /**
   * The process's access revocations when it shares them with subgraphs (`npm start`, tests).
   * Absent: the gateway replays its own from the event bus; without a bus, revoked tokens are
   * accepted until they expire (a warning says so).
   */
  revocations?: AccessRevocations;
}

/** What metrics may read about the WebSocket endpoint. */
export interface SubscriptionStatistics {
  openConnections(): number;
  openSubscriptions(): number;
}

export interface RunningGateway extends RunningService {
  readonly gateway: ApolloGateway;
  readonly subscriptions: SubscriptionStatistics;
  /** The circuit breaker of each subgraph, by name, for metrics and health pages. */
  circuitStates(): Record<string, CircuitState>;
}

const graphqlPaths = ['/', '/graphql'] as const;

/**
 * Starts the public endpoint: GraphQL at `/` and `/graphql` over HTTP, and
 * subscriptions over WebSocket on the same paths (docs/subscriptions.md);
 * Sandbox at `/` in development.
 */
export async function startGateway(settings: GatewaySettings, deps: GatewayDependencies): Promise<RunningGateway> {
  const { logger } = deps;
  // Replayed before the port opens, so the gateway never accepts a token revoked while it was down.
  const ownRevocationFeed =
    deps.revocations === undefined && deps.eventBus !== undefined
      ? await startRevocationFeed({ bus: deps.eventBus, accessTokenTtlSeconds: settings.accessTokenTtlSeconds, logger })
      : undefined;
  const revocations = deps.revocations ?? ownRevocationFeed?.revocations;
  if (revocations === undefined) logger.warn('no event bus: access revocations are not heard, and revoked tokens work until they expire');
  const signatureVerifier = deps.tokenVerifier ?? remoteTokenVerifier(settings);
  const tokenVerifier =
    revocations === undefined
      ? signatureVerifier
      : refusingRevokedTokens(signatureVerifier, { revocations, accessTokenTtlSeconds: settings.accessTokenTtlSeconds });
  const { protection } = settings;
  const safelist = protection.safelistPath === undefined ? undefined : Safelist.load(protection.safelistPath);
  const rateLimitLogger = logger.child({ component: 'rate-limits' });
  const rateLimitStore =
    deps.rateLimitStore ??
    (protection.rateLimits.redisUrl === undefined
      ? new MemoryRateLimitStore()
      : await RedisRateLimitStore.connect({ url: protection.rateLimits.redisUrl, logger: rateLimitLogger }));
  const rateLimiter = new RateLimiter(rateLimitStore, protection.rateLimits, rateLimitLogger);
  const telemetry = createServiceTelemetry('gateway');
  const subgraphs = subgraphServices(settings, rateLimiter, logger, telemetry.metrics);
  if (!settings.apolloTelemetry) {
    // @apollo/gateway otherwise reports usage metrics to Apollo and probes cloud metadata
    // endpoints (AWS, GCP, Azure) from its constructor; this variable is its only switch.
    // eslint-disable-next-line no-restricted-syntax -- written for a library, not read as a setting
    process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
  }
  const supergraphSdl = readFileSync(settings.supergraphPath, 'utf8');
  const domainErrorCodes = registerDomainErrorCodes(settings.errorCodesPath);
  logger.debug({ domainErrorCodes }, 'domain error codes registered');
  // What the subgraphs declared (subscriptions, forwarded routes, cache invalidation); a bad declaration stops the start here.
  const declarations = readDeclarations(supergraphSdl);
  const subscriptionFields = subscriptionRegistry(declarations.live, logger.child({ component: 'subscriptions' }));
  const baseUrls = subgraphBaseUrls(declarations.subgraphUrls, settings.subgraphUrls);
  const gateway =
    settings.executor === 'compiled'
      ? new CompiledPlanGateway({
          supergraphSdl,
          buildService: (definition) => subgraphs.buildService(definition),
          logger,
          maxPreparedOperations: settings.maxPreparedOperations,
        })
      : new ApolloGateway({ supergraphSdl, buildService: (definition) => subgraphs.buildService(definition), logger });
  const frontDoor = new FrontDoor({
    rateLimiter,
    limits: protection.operationLimits,
    allowBatching: protection.allowBatching,
    maxBatchSize: protection.maxBatchSize,
    safelist,
  });
  const responseCache = protection.responseCache ? sharedResponseCache(protection.responseCacheMaxBytes) : undefined;
  const server = new GuardedApolloServer(
    {
      gateway,
      introspection: settings.introspection,
      csrfPrevention: true,
      includeStacktraceInErrorResponses: false,
      formatError: formatGatewayError,
      // "Did you mean …?" in validation errors maps the schema out for whoever probes it.
      hideSchemaDetailsFromClientErrors: !protection.fieldSuggestions,
      allowBatchedHttpRequests: protection.allowBatching,
      // The front door already refused longer documents; this bounds in-process operations too.
      parseOptions: { maxTokens: protection.operationLimits.maxTokens },
      persistedQueries:
        safelist !== undefined
          ? { cache: safelist.persistedQueryCache() }
          : protection.persistedQueries
            ? { cache: new InMemoryLRUCache<string>({ maxSize: protection.apqCacheMaxBytes }) }
            : false,
      plugins: [
        operationObservabilityPlugin(telemetry.metrics),
        settings.landingPage
          ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
          : ApolloServerPluginLandingPageDisabled(),
        // Before the status is chosen from the errors; also covers operations the compiled executor leaves to stock.
        completionErrorsPlugin(),
        responseStatusPlugin(),
        unexpectedErrorLoggingPlugin(logger),
        controlCharacterGuardPlugin(),
        costLimitPlugin(protection.operationLimits.maxCost),
        signedInResponsesArePrivate(),
        ...(responseCache?.plugins ?? []),
      ],
    },
    frontDoor,
  );
  let fanout: EventFanout | undefined;
  let service: RunningService;
  try {
    await server.start();
    // Consuming starts before the port opens, so a client never subscribes to a gateway that hears nothing.
    const invalidatingTopics = responseCache === undefined ? [] : declarations.cacheInvalidatingTopics;
    const topics = [...new Set([...topicsOf(subscriptionFields), ...invalidatingTopics])];
    // The topics belong to the subgraphs that declare them; the gateway makes sure they exist before it
    // reads them, as every consumer does, so it can start before their producers.
    if (deps.eventBus !== undefined && topics.length > 0) await deps.eventBus.ensureTopics(topics, { partitions: TOPIC_PARTITIONS });
    fanout = deps.eventBus ? await startEventFanout({ bus: deps.eventBus, topics, logger }) : undefined;
    // Cached public answers go stale when their subgraph says so (@invalidatesCache): with events,
    // the cache is dropped at once instead of serving them until their max-age runs out.
    for (const topic of invalidatingTopics) fanout?.listen(topic, () => responseCache?.clear());
    service = await startHttpService<GatewayContext>({
      name: 'gateway',
      telemetry,
      logger,
      host: settings.host,
      port: settings.port,
      maxBodyBytes: settings.maxBodyBytes,
      shutdownGraceMs: settings.shutdownGraceMs,
      crossOrigin: settings.crossOrigin,
      readiness: { supergraph: async () => gateway.schema ?? Promise.reject(new Error('supergraph not loaded')) },
      routes: forwardedRoutes(declarations.routes, baseUrls, logger),
      graphql: {
        server,
        paths: graphqlPaths,
        context: async (request, correlationId) => {
          const requestLogger = logger.child({ correlationId });
          const { viewer, accessToken } = await authenticate(request, tokenVerifier, requestLogger);
          return {
            viewer,
            accessToken,
            correlationId,
            logger: viewer === null ? requestLogger : requestLogger.child({ userId: viewer.userId }),
            clientAddress: clientAddress(request, protection.rateLimits.trustedProxyHops),
          };
        },
      },
    });
  } catch (error) {
    await fanout?.stop();
    await ownRevocationFeed?.stop();
    await server.stop().catch(() => {});
    await rateLimiter.close();
    throw error;
  }

  let subscriptionServer: SubscriptionServer | undefined;
  if (fanout === undefined) {
    logger.warn('no event bus: subscriptions are disabled');
    refuseSubscriptions(service.httpServer);
  } else {
    subscriptionServer = attachSubscriptionServer({
      httpServer: service.httpServer,
      paths: graphqlPaths,
      apolloServer: server,
      schema: () => gateway.schema,
      tokenVerifier,
      ...(revocations === undefined ? {} : { revocations }),
      fanout,
      registry: subscriptionFields,
      limits: settings.subscriptions,
      operationLimits: protection.operationLimits,
      logger: logger.child({ component: 'subscriptions' }),
      production: settings.nodeEnv === 'production',
      crossOrigin: settings.crossOrigin,
    });
  }

  // WebSocket clients first, with 1012 so they reconnect (to another instance), then
  // the bus consumer they were fed by, then HTTP drains: in-flight requests finish
  // (up to the grace period) while new connections are refused. The rate-limit store
  // goes last, as requests still draining may count against it.
  const stopHttp = service.stop;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    await subscriptionServer?.close();
    await fanout?.stop();
    await stopHttp();
    await ownRevocationFeed?.stop();
    await rateLimiter.close();
  };
  const subscriptions: SubscriptionStatistics = {
    openConnections: () => subscriptionServer?.openConnections() ?? 0,
    openSubscriptions: () => subscriptionServer?.openSubscriptions() ?? 0,
  };
  const circuitStates = () => subgraphs.circuitStates();
  observeSubscriptions(telemetry.metrics, subscriptions);
  observeCircuitStates(telemetry.metrics, circuitStates);
  return Object.assign(service, { gateway, subscriptions, circuitStates, stop: () => (stopping ??= stop()) });
}
