import { refusingRevokedTokens, type AccessTokenVerifier } from './auth/access-token-verifier.js';
import type { AccessRevocations } from './auth/access-revocations.js';
import { startRevocationFeed } from './auth/revocation-feed.js';
import { loadConfigOrExit, type Environment, type LogLevel, type NodeEnvironment } from './config.js';
import { openDatabase, type Database, type PrismaClientConstructor, type PrismaLike } from './database.js';
import { createLogger, type Logger } from './logger.js';
import { applyMigrations, readServiceMigrations } from './migrations.js';
import { onShutdownSignal } from './shutdown.js';
import { startScheduledJobs, type ScheduledJob } from './scheduled-job.js';
import { startSubgraph, type SubgraphDefinition } from './subgraph.js';
import type { RunningService } from './http/service-server.js';
import type { BusSubscription, EventBus, IncomingMessage } from './events/event-bus.js';
import type { EventConsumer } from './events/event-consumer.js';
import type { ConsumerDefinition } from './events/consumer-definition.js';
import type { EventContracts } from './events/event-definition.js';
import { eventRegistry } from './events/event-registry.js';
import { startOutboxRelay, type OutboxRelay } from './events/outbox-relay.js';
import { openEventBus, TOPIC_PARTITIONS } from './events/create-event-bus.js';
import { observePool } from './observability/pool-metrics.js';
import { createServiceTelemetry } from './observability/telemetry.js';
import { startTracing } from './observability/tracing.js';
import { parseTracingSettings } from './observability/tracing-settings.js';

/** The settings the kit itself needs from every subgraph's configuration. */
export interface SubgraphProcessSettings {
  nodeEnv: NodeEnvironment;
  logLevel: LogLevel;
  host: string;
  port: number;
  databaseUrl: string;
  gatewaySecret: string;
  migrateOnStart: boolean;
  /** Kafka bootstrap servers; empty runs on the in-memory bus (single-process development only). */
  kafkaBrokers: readonly string[];
  kafkaNamespace: string;
  /** ACCESS_TOKEN_TTL_SECONDS: how long the process remembers (and on start replays) access revocations. */
  accessTokenTtlSeconds: number;
}

/**
 * A plain subscription for a topic whose messages are not events to handle by type: the
 * dead-letter topic, whose values may be anything a consumer refused. No envelope check and no
 * dead-lettering (that would loop); a handle that rejects is redelivered by the bus, so it must
 * be idempotent on the message's partition and offset.
 */
export interface TopicObserver {
  /** Its group id on the bus. */
  name: string;
  topics: readonly string[];
  handle(message: IncomingMessage): Promise<void>;
}

export interface AssembledSubgraph {
  // Each subgraph has its own context type; the kit only passes it through (TypeScript has no existential types).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  definition: SubgraphDefinition<any>;
  tokenVerifier: AccessTokenVerifier;
  /** The subgraph writes events to its outbox; the kit runs the relay that publishes them. */
  publishesEvents?: boolean;
  consumers?: readonly ConsumerDefinition[];
  observers?: readonly TopicObserver[];
  /** Timed work the kit runs beside the subgraph and stops before its consumers. */
  jobs?: readonly ScheduledJob[];
}

/**
 * Everything the kit needs to run a subgraph: how to read its settings and
 * how to assemble it from a database. A subgraph's main.ts is one call to
 * runSubgraphProcess with its module.
 */
export interface SubgraphModule<Settings extends SubgraphProcessSettings, Client extends PrismaLike> {
  name: string;
  /** Prefix of the subgraph's own variables: `<prefix>_PORT`, `<prefix>_DATABASE_URL`. */
  environmentPrefix: string;
  /** The port `npm start` and the containers use unless `<prefix>_PORT` says otherwise. */
  defaultPort: number;
  /**
   * The event contracts the subgraph publishes (its `src/events/index.ts`): the
   * topics its process creates, and the rows of EVENTS.md it owns.
   */
  produces: EventContracts;
  PrismaClient: PrismaClientConstructor<Client>;
  parseSettings(environment: Environment): Settings;
  assemble(database: Database<Client>, settings: Settings, logger: Logger): Promise<AssembledSubgraph>;
}

export interface StartOptions {
  /** The bus the outbox relay publishes to and consumers read from. */
  eventBus: EventBus;
  logger?: Logger;
  /** Observes every SQL statement the subgraph sends, and the background work that sent it; for tests that count statements. */
  onStatement?: (sql: string, backgroundWork: string | undefined) => void;
  /**
   * The process's access revocations, when several services share one process (`npm start`,
   * tests): one feed serves them all. Absent: the subgraph starts its own from the bus.
   */
  revocations?: AccessRevocations;
}

export interface StartedSubgraph<Client extends PrismaLike> extends RunningService {
  readonly database: Database<Client>;
  readonly assembled: AssembledSubgraph;
  readonly relay: OutboxRelay | undefined;
  readonly consumers: readonly EventConsumer[];
}

export async function startSubgraphModule<Settings extends SubgraphProcessSettings, Client extends PrismaLike>(
  module: SubgraphModule<Settings, Client>,
  settings: Settings,
  options: StartOptions,
): Promise<StartedSubgraph<Client>> {
  const logger = options.logger ?? createLogger({ service: module.name, level: settings.logLevel });
  if (settings.migrateOnStart) {
    const report = await applyMigrations(settings.databaseUrl, await readServiceMigrations(module.name));
    if (report.applied.length > 0) logger.info({ applied: report.applied }, 'migrations applied');
  }
  const database = openDatabase(module.PrismaClient, {
    url: settings.databaseUrl,
    ...(options.onStatement ? { onStatement: options.onStatement } : {}),
  });
  // One registry per service instance, served at its /metrics; spans carry the service's name.
  const telemetry = createServiceTelemetry(module.name);
  const stopObservingPool = observePool(telemetry.metrics, database.pool);
  const assembled = await module.assemble(database, settings, logger);
  const relay = assembled.publishesEvents
    ? await startOutboxRelay({ databaseUrl: settings.databaseUrl, pool: database.pool, bus: options.eventBus, logger, telemetry })
    : undefined;
  const consumerDefinitions = assembled.consumers ?? [];
  // Consumed topics exist before anyone subscribes, with the deployment's partitions, even when their producer has not started yet.
  const consumedTopics = [...new Set(consumerDefinitions.flatMap((consumer) => consumer.consumes.map((definition) => definition.topic)))];
  if (consumedTopics.length > 0) await options.eventBus.ensureTopics(consumedTopics, { partitions: TOPIC_PARTITIONS });
  const consumers = await Promise.all(consumerDefinitions.map((consumer) => consumer.start({ bus: options.eventBus, logger, telemetry })));
  const observers: BusSubscription[] = await Promise.all(
    (assembled.observers ?? []).map((observer) =>
      options.eventBus.subscribe({
        groupId: observer.name,
        topics: observer.topics,
        fromBeginning: true,
        handle: (message) => observer.handle(message),
      }),
    ),
  );
  // Before the port opens: a subgraph never accepts a token revoked while it was down.
  const ownFeed =
    options.revocations === undefined
      ? await startRevocationFeed({ bus: options.eventBus, accessTokenTtlSeconds: settings.accessTokenTtlSeconds, logger })
      : undefined;
  const revocations = options.revocations ?? ownFeed!.revocations;
  const jobs = startScheduledJobs(assembled.jobs ?? [], logger);
  const definition = assembled.definition;
  const service = await startSubgraph(
    {
      ...definition,
      readiness: {
        ...definition.readiness,
        events: async () => ({
          outboxPending: relay === undefined ? 0 : await relay.pending(),
          consumers: Object.fromEntries(consumers.map((consumer) => [consumer.name, { lag: consumer.lag(), ...consumer.stats() }])),
        }),
      },
      onStop: [
        ...(definition.onStop ?? []),
        async () => {
          await jobs.stop();
          await Promise.all([...consumers.map((consumer) => consumer.stop()), ...observers.map((observer) => observer.stop())]);
          await relay?.stop();
          await ownFeed?.stop();
        },
        async () => {
          stopObservingPool();
          await database.close();
        },
      ],
    },
    {
      logger,
      host: settings.host,
      port: settings.port,
      gatewaySecret: settings.gatewaySecret,
      tokenVerifier: refusingRevokedTokens(assembled.tokenVerifier, { revocations, accessTokenTtlSeconds: settings.accessTokenTtlSeconds }),
      introspection: settings.nodeEnv !== 'production',
      telemetry,
    },
  );
  return Object.assign(service, { database, assembled, relay, consumers });
}

/** A subgraph's whole entry point: parse the environment, start, stop on SIGTERM. */
export async function runSubgraphProcess<Settings extends SubgraphProcessSettings, Client extends PrismaLike>(
  module: SubgraphModule<Settings, Client>,
): Promise<void> {
  const settings = loadConfigOrExit(() => module.parseSettings(process.env));
  const tracing = startTracing(loadConfigOrExit(() => parseTracingSettings(process.env, module.name)));
  const logger = createLogger({ service: module.name, level: settings.logLevel });
  const eventBus = await openEventBus(
    { brokers: settings.kafkaBrokers, clientId: module.name, logger, namespace: settings.kafkaNamespace },
    eventRegistry([module.produces]).topics,
  );
  const service = await startSubgraphModule(module, settings, { logger, eventBus });
  onShutdownSignal(logger, [service.stop, () => eventBus.close(), () => tracing.shutdown()]);
}
