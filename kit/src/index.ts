// The service kit's public surface. Services import from '#kit' only; anything
// not exported here is an internal detail of the kit.
export {
  ErrorCode,
  httpStatusFor,
  isErrorCode,
  appError,
  invalidInput,
  unauthenticated,
  forbidden,
  notFound,
  rateLimited,
  defineErrorCodes,
  registerErrorCodes,
  registeredErrorCodes,
} from './errors.js';
export type { FieldProblem, DomainErrorCodeSpec } from './errors.js';
export { EARTH_RADIUS_METERS, greatCircleMeters, insidePolygon } from './geo/geo.js';
export type { GeoPoint } from './geo/geo.js';
export { openingState, zonedDate, zonedWallTime, isTimeZone, HOURS_PATTERN } from './time/weekly-schedule.js';
export type { WeeklySchedule, WeeklyHours, DatedHours, OpeningState } from './time/weekly-schedule.js';
export { ConfigError, parseEnvironment, loadConfigOrExit, env } from './config.js';
export type { Environment, NodeEnvironment, LogLevel } from './config.js';
export { createLogger } from './logger.js';
export type { Logger, LoggerOptions } from './logger.js';
export { CORRELATION_HEADER, correlationIdFrom } from './correlation.js';
export { GATEWAY_CREDENTIAL_HEADER, CLIENT_ADDRESS_HEADER, gatewayCredentialCheck } from './gateway-credential.js';
export {
  Role,
  allRoles,
  isRole,
  hasRole,
  requireViewer,
  requireRole,
  requireSelfOrAdmin,
  requireRecentMfa,
  requireVerified,
} from './auth/viewer.js';
export type { Viewer } from './auth/viewer.js';
export type { KeySource, JwksDocument, RsaPublicJwk } from './auth/key-source.js';
export { RemoteJwks } from './auth/remote-jwks.js';
export type { RemoteJwksOptions } from './auth/remote-jwks.js';
export {
  ACCESS_TOKEN_ALGORITHM,
  SECOND_FACTOR_METHOD,
  InvalidTokenError,
  createAccessTokenVerifier,
  remoteTokenVerifier,
  bearerToken,
  RevokedTokenError,
  ACCESS_VERSION_CLAIM,
  refusingRevokedTokens,
  refusedTokenError,
} from './auth/access-token-verifier.js';
export type { AccessTokenVerifier, TokenAudience, RevocationPolicy } from './auth/access-token-verifier.js';
export { AccessRevocations } from './auth/access-revocations.js';
export type { AccessRevocation, RevocationReason } from './auth/access-revocations.js';
export { startRevocationFeed } from './auth/revocation-feed.js';
export type { RevocationFeed, RevocationFeedOptions } from './auth/revocation-feed.js';
export { formatClientError, unexpectedErrorLoggingPlugin, UNEXPECTED_ERROR_MESSAGE } from './graphql/error-policy.js';
export {
  controlCharacterIn,
  controlCharacterProblems,
  controlCharacterProblemsInValue,
  refuseControlCharacters,
  controlCharacterGuardPlugin,
} from './graphql/control-characters.js';
export { startHttpService } from './http/service-server.js';
export type { Route, GraphQLEndpoint, ReadinessCheck, HttpServiceOptions, RunningService } from './http/service-server.js';
export { sendJson, sendGraphQLError } from './http/json-response.js';
export { readBody, BodyTooLargeError } from './http/body.js';
export type { UnreadBodyLimits } from './http/unread-body.js';
export {
  originAllowed,
  parseOriginList,
  allowedRequestHeaders,
  exposedResponseHeaders,
  type CrossOriginPolicy,
} from './http/cross-origin.js';
export { GraphQLMediaType, graphQLMediaTypeFor } from './http/graphql-media-type.js';
export { startSubgraph } from './subgraph.js';
export type { RequestContext, SubgraphDefinition, SubgraphRuntime } from './subgraph.js';
export { encodeCursor, decodeCursor, pageSize, connection, newestFirstPage, pageOf, MAX_PAGE_SIZE } from './graphql/pagination.js';
export type { KeysetCursor } from './graphql/pagination.js';
export { DateTimeScalar, parseDateTime } from './graphql/date-time.js';
export type { DateTimeParse } from './graphql/date-time.js';
export { sharedScalars, parseSharedScalarInput } from './graphql/shared-scalars.js';
export { openDatabase } from './database.js';
export type { Database, DatabaseOptions, PrismaLike, PrismaClientConstructor } from './database.js';
export { readMigrations, readServiceMigrations, applyMigrations, ensureDatabase, databaseUrl } from './migrations.js';
export type { Migration, MigrationReport } from './migrations.js';
export { sharedSettings, DEVELOPMENT_GATEWAY_SECRET, DEFAULT_GATEWAY_PORT, publicBaseUrl } from './platform-settings.js';
export type { IdentitySettings } from './platform-settings.js';
export { loadTypeDefs } from './schema-file.js';
export {
  projectRoot,
  subgraphSchemaPath,
  subgraphPrismaDirectory,
  migrationsDirectory,
  kitMigrationsDirectory,
  supergraphPath,
} from './project-paths.js';
export { onShutdownSignal } from './shutdown.js';
export { startSubgraphModule, runSubgraphProcess } from './subgraph-module.js';
export { startScheduledJobs } from './scheduled-job.js';
export type { ScheduledJob, RunningJobs } from './scheduled-job.js';
export type {
  SubgraphModule,
  SubgraphProcessSettings,
  AssembledSubgraph,
  StartOptions,
  StartedSubgraph,
  TopicObserver,
} from './subgraph-module.js';
export { subgraphSettings } from './subgraph-settings.js';
export { defineSettings, setting, isSettingsDefinition, Setting } from './settings.js';
export type { SettingGroup, SettingsOf, SettingsDefinition, SettingDocumentation } from './settings.js';
export { isUuid, escapeLikePattern } from './identifiers.js';
export type { EventBus, OutgoingMessage, IncomingMessage as BusMessage, SubscribeOptions, BusSubscription } from './events/event-bus.js';
export { MemoryEventBus } from './events/memory-event-bus.js';
export { createEnvelope, parseEnvelope } from './events/envelope.js';
export type { EventEnvelope, EnvelopeParseResult, NewEvent } from './events/envelope.js';
export { DEAD_LETTER_TOPIC } from './events/topics.js';
export { defineEvent, eventTime } from './events/event-definition.js';
export type { EventDefinition, EventData, EventContracts } from './events/event-definition.js';
export { eventRegistry } from './events/event-registry.js';
export type { EventRegistry } from './events/event-registry.js';
export { accessRevokedEvent } from './auth/access-revocation-event.js';
export { pendingEvent, recordEvents } from './events/outbox.js';
export type { PendingEvent, EventOrigin, RawSqlExecutor } from './events/outbox.js';
export { startOutboxRelay } from './events/outbox-relay.js';
export type { OutboxRelay, OutboxRelayOptions } from './events/outbox-relay.js';
export { startEventConsumer, on } from './events/event-consumer.js';
export type {
  EventConsumer,
  EventConsumerOptions,
  EventHandler,
  HandlerContext,
  On,
  TransactionRunner,
  ConsumerStats,
} from './events/event-consumer.js';
export { eventConsumer } from './events/consumer-definition.js';
export type { ConsumerDefinition, ConsumerRuntime, EventConsumerSpec } from './events/consumer-definition.js';
export { prismaTransactions } from './events/prisma-transactions.js';
export { backoffDelay } from './events/backoff.js';
export { KafkaEventBus } from './events/kafka-event-bus.js';
export type { KafkaEventBusOptions, EnsureTopicsOptions } from './events/kafka-event-bus.js';
export { createEventBus, openEventBus, TOPIC_PARTITIONS } from './events/create-event-bus.js';
export type { EventBusSettings } from './events/create-event-bus.js';
export { NamespacedEventBus } from './events/namespaced-event-bus.js';
export {
  createServiceMetrics,
  ObservedGauge,
  createServiceTelemetry,
  operationObservabilityPlugin,
  operationNameLabels,
  ANONYMOUS_OPERATION,
  OTHER_OPERATION,
  UNRESOLVED_OPERATION,
  observePool,
  startTracing,
  parseTracingSettings,
  tracingSettings,
  currentTraceContext,
  contextFromCarrier,
  injectTraceContext,
  SERVICE_ATTRIBUTE,
  CORRELATION_ATTRIBUTE,
} from './observability/index.js';
export type {
  ServiceMetrics,
  ServiceMetricsOptions,
  MetricGroupFactory,
  GaugeSample,
  GaugeSource,
  ServiceTelemetry,
  OperationObservabilityOptions,
  Tracing,
  TracingOptions,
  TracingSettings,
  TraceContext,
} from './observability/index.js';
