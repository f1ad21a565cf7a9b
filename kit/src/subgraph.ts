import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import { bearerToken, InvalidTokenError, refusedTokenError, type AccessTokenVerifier } from './auth/access-token-verifier.js';
import type { Viewer } from './auth/viewer.js';
import { unauthenticated } from './errors.js';
import { CLIENT_ADDRESS_HEADER, gatewayCredentialCheck } from './gateway-credential.js';
import { controlCharacterGuardPlugin } from './graphql/control-characters.js';
import { formatClientError, unexpectedErrorLoggingPlugin } from './graphql/error-policy.js';
import { sharedScalars } from './graphql/shared-scalars.js';
import { startHttpService, type ReadinessCheck, type Route, type RunningService } from './http/service-server.js';
import type { Logger } from './logger.js';
import { operationObservabilityPlugin } from './observability/operation-plugin.js';
import { createServiceTelemetry, type ServiceTelemetry } from './observability/telemetry.js';

/** What every subgraph resolver receives, before the domain adds its own dependencies. */
export interface RequestContext {
  readonly viewer: Viewer | null;
  readonly correlationId: string;
  readonly logger: Logger;
  /** The caller's address as the gateway saw it; null when the request did not say. */
  readonly clientAddress: string | null;
}

/** What a subgraph is: its schema, resolvers and dependencies. Nothing here listens or reads the environment. */
export interface SubgraphDefinition<Context extends RequestContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<Context>;
  /** Adds the domain's per-request dependencies (repositories, data loaders) to the request context. */
  createContext(request: RequestContext): Context;
  routes?: readonly Route[];
  readiness: Readonly<Record<string, ReadinessCheck>>;
  /** Releases the subgraph's resources after HTTP has drained. */
  onStop?: ReadonlyArray<() => Promise<void>>;
}

/** What the platform gives every subgraph at run time. */
export interface SubgraphRuntime {
  logger: Logger;
  host: string;
  port: number;
  /** The secret the gateway presents in the x-gateway-credential header. */
  gatewaySecret: string;
  /** Re-validates the caller's access token: subgraphs never trust the gateway's word for identity. */
  tokenVerifier: AccessTokenVerifier;
  maxBodyBytes?: number;
  /** Allows introspection on the subgraph itself; off in production. */
  introspection?: boolean;
  /** The subgraph's metrics registry and trace identity; a new one by default. */
  telemetry?: ServiceTelemetry;
}

/** Builds and starts one subgraph. The only bootstrap code a subgraph needs. */
export async function startSubgraph<Context extends RequestContext>(
  definition: SubgraphDefinition<Context>,
  runtime: SubgraphRuntime,
): Promise<RunningService> {
  const logger = runtime.logger;
  const telemetry = runtime.telemetry ?? createServiceTelemetry(definition.name);
  const server = new ApolloServer<Context>({
    schema: buildSubgraphSchema({
      typeDefs: definition.typeDefs,
      // Apollo types resolver maps over an unknown context; ours are typed by the definition.
      resolvers: {
        ...Object.fromEntries(sharedScalars.map((scalar) => [scalar.name, scalar])),
        ...(definition.resolvers as GraphQLResolverMap<unknown>),
      },
    }),
    introspection: runtime.introspection ?? false,
    includeStacktraceInErrorResponses: false,
    formatError: formatClientError,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      unexpectedErrorLoggingPlugin(logger),
      controlCharacterGuardPlugin(),
      executionResultsAnswerOk(),
      operationObservabilityPlugin(telemetry.metrics),
    ],
  });
  await server.start();
  const credential = gatewayCredentialCheck(runtime.gatewaySecret);

  return startHttpService<Context>({
    name: definition.name,
    logger,
    host: runtime.host,
    port: runtime.port,
    maxBodyBytes: runtime.maxBodyBytes ?? 1_000_000,
    routes: definition.routes ?? [],
    readiness: definition.readiness,
    onStop: definition.onStop ?? [],
    telemetry,
    graphql: {
      server,
      paths: ['/graphql'],
      admit: (request) => credential.assert(request.headers['x-gateway-credential']),
      context: async (request, correlationId) => {
        const viewer = await authenticate(request, runtime.tokenVerifier);
        const forwardedAddress = request.headers[CLIENT_ADDRESS_HEADER];
        return definition.createContext({
          viewer,
          correlationId,
          clientAddress: typeof forwardedAddress === 'string' && forwardedAddress.length > 0 ? forwardedAddress : null,
          logger: logger.child({ correlationId, ...(viewer ? { userId: viewer.userId } : {}) }),
        });
      },
    },
  });
}

/**
 * Between gateway and subgraph, an executed operation is a 200 whatever its
 * errors say: the gateway reads codes from the errors and sets the client's
 * HTTP status itself. A non-2xx answer would make the gateway discard the
 * subgraph's errors and report a transport failure instead.
 */
function executionResultsAnswerOk(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind === 'single' && 'data' in response.body.singleResult) response.http.status = 200;
        },
      };
    },
  };
}

async function authenticate(request: IncomingMessage, verifier: AccessTokenVerifier): Promise<Viewer | null> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) return null;
  if (token === null) throw unauthenticated('The Authorization header must be `Bearer <access token>`.');
  try {
    return await verifier.verify(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw refusedTokenError(error);
    throw error;
  }
}
