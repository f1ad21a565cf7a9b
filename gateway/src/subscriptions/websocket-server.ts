import type { OperationLimits } from '../config.js';
import { checkOperationLimits } from '../protection/operation-limits.js';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloServer } from '@apollo/server';
import { GraphQLError, type ExecutionArgs, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  controlCharacterProblems,
  ErrorCode,
  InvalidTokenError,
  invalidInput,
  originAllowed,
  UNEXPECTED_ERROR_MESSAGE,
  type AccessRevocations,
  type AccessTokenVerifier,
  type CrossOriginPolicy,
  type Logger,
  type Viewer,
} from '#kit';
import type { SubscriptionLimits } from '../config.js';
import type { GatewayContext } from '../gateway-context.js';
import { concurrencyLimit } from './concurrency-limit.js';
import { connectionToken } from './connection-token.js';
import type { EventFanout } from './event-fanout.js';
import { payloadLoader, type PayloadResponse, type Subscriber } from './payload-loader.js';
import { SharedLoads } from './shared-loads.js';
import { prepareSubscription, refusal, type PreparedSubscription } from './payload-query.js';
import { admissionRefusals } from './subscription-admission.js';
import { SubscriptionEvents } from './subscription-events.js';
import type { SubscriptionFieldRegistry } from './subscription-fields.js';

/** Close codes this server uses beyond graphql-ws's own (docs/subscriptions.md lists them all). */
export const SubscriptionCloseCode = {
  /** No token, an invalid one, or the token expired while connected: reconnect with a fresh one. */
  Forbidden: CloseCode.Forbidden,
  /** The gateway is restarting or shutting down: reconnect (to another instance). */
  ServiceRestart: 1012,
} as const;

export const ACCESS_TOKEN_EXPIRED_REASON = 'Access token expired';
export const ACCESS_REVOKED_REASON = 'Access token revoked';

export interface SubscriptionServerOptions {
  httpServer: Server;
  /** The GraphQL paths; a WebSocket upgrade on any other path is answered 404. */
  paths: readonly string[];
  apolloServer: ApolloServer<GatewayContext>;
  /** The supergraph's API schema; undefined until @apollo/gateway has loaded it. */
  schema(): GraphQLSchema | undefined;
  tokenVerifier: AccessTokenVerifier;
  /** When given, a connection whose token is revoked is closed at once rather than at its expiry. */
  revocations?: AccessRevocations;
  fanout: EventFanout;
  registry: SubscriptionFieldRegistry;
  limits: SubscriptionLimits;
  logger: Logger;
  /** Hides internal error messages from close reasons. */
  production: boolean;
  /** Payload queries running at once across all subscribers. */
  maxConcurrentLoads?: number;
  /** The same depth, alias, root-field and token limits as HTTP operations. */
  operationLimits?: OperationLimits;
  /**
   * The origins whose pages may open a connection. Browsers send Origin on every
   * upgrade and apply no CORS to WebSockets, so without this check any site could
   * open one from a visitor's browser (cross-site WebSocket hijacking). Upgrades
   * without Origin (native apps, servers) are not browsers' and pass.
   */
  crossOrigin?: CrossOriginPolicy;
}

export interface SubscriptionServer {
  /** Subscriptions currently streaming, over all connections. */
  openSubscriptions(): number;
  openConnections(): number;
  /** Closes every client with 1012 (Service Restart) so they reconnect elsewhere, then stops accepting. */
  close(): Promise<void>;
}

/** What the gateway knows about one acknowledged connection. */
interface Connection extends Subscriber {
  readonly viewer: Viewer;
  readonly accessToken: string;
  expiryTimer: NodeJS.Timeout;
}

interface ConnectionExtra extends Record<PropertyKey, unknown> {
  connection: Connection;
}

/** The execution arguments' context: what the `subscribe` hook needs to start one stream. */
class SubscriptionExecution {
  constructor(
    readonly subscription: PreparedSubscription,
    readonly connection: Connection,
  ) {}
}

/** Node's setTimeout fires at once for delays beyond 2^31-1 ms. */
const maxTimerDelayMs = 2_147_483_647;
const closeGraceMs = 1_000;
/** How long a shared public-view payload stays available to the event's slower subscribers. */
const sharedLoadKeepMs = 30_000;

/**
 * GraphQL over WebSocket (the graphql-transport-ws protocol of graphql-ws) on
 * the gateway's own HTTP server and GraphQL paths. Every connection must
 * authenticate in `connection_init` and lives no longer than its token; each
 * subscription streams the events the registry selects for it, loaded as the
 * subscriber through the gateway's Apollo Server.
 */
export function attachSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { logger, limits } = options;
  const paths = new Set(options.paths);
  const limit = concurrencyLimit(options.maxConcurrentLoads ?? 64);
  const publicLoads = new SharedLoads<PayloadResponse>(sharedLoadKeepMs);
  let open = 0;
  let closing = false;
  /** Acknowledged connections by user, so a revocation finds the sockets it ends. */
  const connectionsByUser = new Map<string, Map<WebSocket, Connection>>();
  const stopHearingRevocations = options.revocations?.onRevocation((revocation) => {
    for (const [socket, connection] of connectionsByUser.get(revocation.userId) ?? []) {
      // The verifier decides with the token's own access version, as for a new connection.
      options.tokenVerifier.verify(connection.accessToken).catch((error: unknown) => {
        if (!(error instanceof InvalidTokenError)) return;
        connection.logger.info({ reason: error.reason }, 'subscription connection closed: its access token was revoked');
        socket.close(CloseCode.Forbidden, ACCESS_REVOKED_REASON);
      });
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const disposable = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      connectionInitWaitTimeout: limits.initTimeoutMs,
      isProd: options.production,

      async onConnect(context) {
        const { socket } = context.extra;
        const token = connectionToken(context.connectionParams);
        if (token === undefined) {
          socket.close(CloseCode.Forbidden, 'Forbidden: send { authorization: "Bearer <access token>" } in connection_init');
          return false;
        }
        let viewer: Viewer;
        try {
          viewer = await options.tokenVerifier.verify(token);
        } catch (error) {
          if (!(error instanceof InvalidTokenError)) throw error;
          logger.info({ reason: error.reason }, 'subscription connection refused');
          socket.close(CloseCode.Forbidden, 'Forbidden: the access token is invalid or expired');
          return false;
        }
        // The client may have gone while the token was being verified.
        if (socket.readyState !== socket.OPEN) return false;
        // Closed at `exp`, not at exp plus the verifier's clock tolerance: the tolerance
        // absorbs clock skew between services, it does not extend a session.
        const expiresInMs = Math.min(Math.max(0, viewer.expiresAt * 1000 - Date.now()), maxTimerDelayMs);
        const expiryTimer = setTimeout(() => socket.close(CloseCode.Forbidden, ACCESS_TOKEN_EXPIRED_REASON), expiresInMs);
        expiryTimer.unref();
        const connection: Connection = {
          viewer,
          accessToken: token,
          expiryTimer,
          logger: logger.child({ userId: viewer.userId }),
        };
        context.extra.connection = connection;
        const ofUser = connectionsByUser.get(viewer.userId) ?? new Map<WebSocket, Connection>();
        connectionsByUser.set(viewer.userId, ofUser.set(socket, connection));
        return true;
      },

      async onSubscribe(context, id, payload) {
        const { connection } = context.extra;
        if (connection === undefined) return [refusal(ErrorCode.UNAUTHENTICATED, 'Sign in first.')];
        // graphql-ws has already reserved this id, so it is part of the count.
        if (Object.keys(context.subscriptions).length > limits.maxPerConnection) {
          return [
            refusal(
              ErrorCode.RATE_LIMITED,
              `This connection already has ${limits.maxPerConnection} subscriptions, the most allowed. Complete one before starting another.`,
            ),
          ];
        }
        if (options.operationLimits !== undefined) {
          const check = checkOperationLimits(payload.query, options.operationLimits);
          if (!check.ok) return [refusal(check.refusal.code, check.refusal.message)];
        }
        const schema = options.schema();
        if (schema === undefined) return [refusal(ErrorCode.SERVICE_UNAVAILABLE, 'The gateway is starting. Retry shortly.')];
        let prepared: ReturnType<typeof prepareSubscription>;
        try {
          prepared = prepareSubscription(schema, options.registry, payload);
        } catch (error) {
          connection.logger.error({ err: error, subscriptionId: id }, 'subscription could not be prepared');
          return [refusal(ErrorCode.INTERNAL_SERVER_ERROR, UNEXPECTED_ERROR_MESSAGE)];
        }
        if (!prepared.ok) return prepared.errors;
        const { subscription } = prepared;
        const controlCharacters = controlCharacterProblems(subscription.document, payload.variables ?? undefined);
        if (controlCharacters.length > 0) {
          const { message, extensions } = invalidInput(controlCharacters);
          return [new GraphQLError(message, { extensions: { code: extensions['code'], fields: extensions['fields'] } })];
        }
        // Every connection is signed in today; this keeps the registry's promise should
        // anonymous connections ever be allowed.
        if (subscription.field.requiresViewer && connection.viewer === null) {
          return [refusal(ErrorCode.UNAUTHENTICATED, `Sign in to subscribe to ${subscription.fieldName}.`)];
        }
        const refused = await admissionRefusals(options.apolloServer, subscription, connection, limit);
        if (refused !== undefined) return refused;
        const args: ExecutionArgs = {
          schema,
          document: subscription.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: new SubscriptionExecution(subscription, connection),
        };
        return args;
      },

      // Only subscriptions get here (onSubscribe refuses the rest); graphql-js never executes
      // them, because @apollo/gateway owns execution: the stream comes from the event bus.
      subscribe(args) {
        const execution = args.contextValue;
        if (!(execution instanceof SubscriptionExecution)) throw new Error('subscription context missing');
        const { subscription, connection } = execution;
        open += 1;
        const events = new SubscriptionEvents({
          fanout: options.fanout,
          subscription,
          viewer: connection.viewer,
          logger: connection.logger,
          load: payloadLoader(options.apolloServer, subscription, connection, limit, publicLoads),
          onEnd: () => {
            open -= 1;
          },
        });
        // Payloads are already formatted by Apollo Server; onNext passes them through unchanged.
        return events as AsyncIterable<never>;
      },

      onNext: (_context, _id, _payload, _args, result) => result as unknown as FormattedExecutionResult,

      onClose(context, code, reason) {
        const { connection } = context.extra;
        if (connection === undefined) return;
        clearTimeout(connection.expiryTimer);
        const ofUser = connectionsByUser.get(connection.viewer.userId);
        ofUser?.delete(context.extra.socket);
        if (ofUser?.size === 0) connectionsByUser.delete(connection.viewer.userId);
        connection.logger.debug({ code, reason }, 'subscription connection closed');
      },
    },
    wss,
  );

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://gateway.internal').pathname;
    if (!paths.has(path)) return refuseUpgrade(socket, 404, 'Not Found');
    if (closing) return refuseUpgrade(socket, 503, 'Service Unavailable');
    const origin = request.headers.origin;
    if (options.crossOrigin !== undefined && typeof origin === 'string' && !originAllowed(options.crossOrigin, origin)) {
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    wss.handleUpgrade(request, socket, head, (client) => wss.emit('connection', client, request));
  }
  options.httpServer.on('upgrade', onUpgrade);

  return {
    openSubscriptions: () => open,
    openConnections: () => wss.clients.size,
    async close() {
      if (closing) return;
      closing = true;
      stopHearingRevocations?.();
      options.httpServer.off('upgrade', onUpgrade);
      await closeClients([...wss.clients], SubscriptionCloseCode.ServiceRestart, 'Service restart');
      await disposable.dispose();
    },
  };
}

/**
 * Without a bus there is nothing to stream: upgrades are answered 503 rather
 * than falling through to the HTTP GraphQL handler as a confusing GET.
 */
export function refuseSubscriptions(httpServer: Server): void {
  httpServer.on('upgrade', (_request: IncomingMessage, socket: Duplex) => refuseUpgrade(socket, 503, 'Service Unavailable'));
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Closes each client with a code, waiting briefly for the closing handshake before cutting it. */
async function closeClients(clients: readonly WebSocket[], code: number, reason: string): Promise<void> {
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolve) => {
          if (client.readyState === client.CLOSED) return resolve();
          const timer = setTimeout(() => client.terminate(), closeGraceMs);
          client.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          client.close(code, reason);
        }),
    ),
  );
}
