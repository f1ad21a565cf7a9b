import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  createAccessTokenVerifier,
  RemoteJwks,
  startHttpService,
  unexpectedErrorLoggingPlugin,
  type AccessTokenVerifier,
  type EventBus,
  type Logger,
  type RunningService,
} from '#kit';
import { authenticate } from './authenticate.js';
import type { GatewaySettings } from './config.js';
import type { GatewayContext } from './gateway-context.js';
import { formatGatewayError } from './gateway-errors.js';
import { responseStatusPlugin } from './response-status-plugin.js';
import { SubgraphDataSource, subgraphFetcher } from './subgraph-data-source.js';
import {
  attachSubscriptionServer,
  refuseSubscriptions,
  startEventFanout,
  subscriptionFields,
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
}

/** What metrics may read about the WebSocket endpoint. */
export interface SubscriptionStatistics {
  openConnections(): number;
  openSubscriptions(): number;
}

export interface RunningGateway extends RunningService {
  readonly gateway: ApolloGateway;
  readonly subscriptions: SubscriptionStatistics;
}

const graphqlPaths = ['/', '/graphql'] as const;

/**
 * Starts the public endpoint: GraphQL at `/` and `/graphql` over HTTP, and
 * subscriptions over WebSocket on the same paths (docs/subscriptions.md);
 * Sandbox at `/` in development.
 */
export async function startGateway(settings: GatewaySettings, deps: GatewayDependencies): Promise<RunningGateway> {
  const { logger } = deps;
  const tokenVerifier =
    deps.tokenVerifier ?? createAccessTokenVerifier(new RemoteJwks({ url: settings.jwksUrl, minRefreshIntervalMs: settings.jwksMinRefreshSeconds * 1000 }), settings);
  const fetcher = subgraphFetcher(settings.subgraphTimeoutMs);
  if (!settings.apolloTelemetry) {
    // @apollo/gateway otherwise reports usage metrics to Apollo and probes cloud metadata
    // endpoints (AWS, GCP, Azure) from its constructor; this variable is its only switch.
    process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
  }
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(settings.supergraphPath, 'utf8'),
    buildService: ({ name, url }) => {
      const target = settings.subgraphUrls[name] ?? url;
      if (target === undefined) throw new Error(`no URL for subgraph ${name}; set SUBGRAPH_${name.toUpperCase()}_URL`);
      return new SubgraphDataSource(
        target,
        { gatewaySecret: settings.gatewaySecret, timeoutMs: settings.subgraphTimeoutMs },
        fetcher,
      );
    },
    logger,
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: settings.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatGatewayError,
    plugins: [
      settings.landingPage
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
      responseStatusPlugin(),
      unexpectedErrorLoggingPlugin(logger),
    ],
  });
  await server.start();

  // Consuming starts before the port opens, so a client never subscribes to a gateway that hears nothing.
  const fanout: EventFanout | undefined = deps.eventBus
    ? await startEventFanout({ bus: deps.eventBus, topics: topicsOf(subscriptionFields), logger })
    : undefined;
  let service: RunningService;
  try {
    service = await startHttpService<GatewayContext>({
      name: 'gateway',
      logger,
      host: settings.host,
      port: settings.port,
      maxBodyBytes: settings.maxBodyBytes,
      readiness: { supergraph: async () => gateway.schema ?? Promise.reject(new Error('supergraph not loaded')) },
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
          };
        },
      },
    });
  } catch (error) {
    await fanout?.stop();
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
      fanout,
      registry: subscriptionFields,
      limits: settings.subscriptions,
      logger: logger.child({ component: 'subscriptions' }),
      production: settings.nodeEnv === 'production',
    });
  }

  // WebSocket clients first, with 1012 so they reconnect (to another instance), then
  // the bus consumer they were fed by, then HTTP drains as before.
  const stopHttp = service.stop;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    await subscriptionServer?.close();
    await fanout?.stop();
    await stopHttp();
  };
  return Object.assign(service, {
    gateway,
    subscriptions: {
      openConnections: () => subscriptionServer?.openConnections() ?? 0,
      openSubscriptions: () => subscriptionServer?.openSubscriptions() ?? 0,
    },
    stop: () => (stopping ??= stop()),
  });
}
