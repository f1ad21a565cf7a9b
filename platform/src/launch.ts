import {
  eventRegistry,
  openEventBus,
  defineSettings,
  sharedSettings,
  createLogger,
  databaseUrl,
  ensureDatabase,
  startSubgraphModule,
  startRevocationFeed,
  type Environment,
  type EventBus,
  type Logger,
  type StartedSubgraph,
  type PrismaLike,
  type RevocationFeed,
} from '#kit';
import { parseGatewaySettings } from '../../gateway/src/config.js';
import { startGateway, type RunningGateway } from '../../gateway/src/server.js';
import { freePort } from './free-port.js';
import { publicUrlFor } from './public-url.js';
import { subgraphModules } from './subgraph-modules.js';

export interface PlatformOptions {
  /** A PostgreSQL server URL; each subgraph gets its own database on it. */
  postgresServerUrl: string;
  /** Prefix of the subgraphs' database names: `<prefix>_accounts`, … */
  databasePrefix?: string;
  /** Variables given to every process, e.g. secrets, LOG_LEVEL, NODE_ENV. */
  environment?: Environment;
  gatewayPort?: number;
  /** Port of each subgraph by name; 0 or absent picks a free port. */
  subgraphPorts?: Readonly<Record<string, number>>;
  /** Observes the SQL of each subgraph by name, and the background work that sent it; tests count statements with it. */
  onStatement?: (subgraph: string, sql: string, backgroundWork: string | undefined) => void;
  /** Where log lines go; standard output by default. */
  logDestination?: NodeJS.WritableStream;
  /**
   * The bus every service shares. Absent: Kafka when KAFKA_BROKERS is set,
   * otherwise an in-memory bus (which works because everything runs in this process).
   */
  eventBus?: EventBus;
}

export interface RunningPlatform {
  readonly gateway: RunningGateway;
  readonly eventBus: EventBus;
  readonly subgraphs: ReadonlyMap<string, StartedSubgraph<PrismaLike>>;
  stop(): Promise<void>;
}

/**
 * Runs the whole supergraph in one process: every subgraph on its own port
 * with its own database, and the gateway in front. `npm start` and the
 * integration tests both use it; containers run each service's main.ts instead.
 */
export async function launchPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const base = options.environment ?? {};
  const logLevel = (base['LOG_LEVEL'] ?? 'info') as 'info';
  const loggerFor = (service: string): Logger =>
    createLogger({ service, level: logLevel, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const prefix = options.databasePrefix ?? 'gasrapido';
  const started = new Map<string, StartedSubgraph<PrismaLike>>();
  let gateway: RunningGateway | undefined;
  const ownsBus = options.eventBus === undefined;
  const kafka = defineSettings({ brokers: sharedSettings.kafkaBrokers, namespace: sharedSettings.kafkaNamespace }).parse(base);
  const eventBus =
    options.eventBus ??
    (await openEventBus(
      { brokers: kafka.brokers, clientId: 'gasrapido-platform', logger: loggerFor('event-bus'), namespace: kafka.namespace },
      eventRegistry(subgraphModules.map((module) => module.produces)).topics,
    ));

  // One process, one revocation feed: every service here reads the same access revocations.
  const identity = defineSettings({ accessTokenTtlSeconds: sharedSettings.accessTokenTtlSeconds }).parse(base);
  let revocationFeed: RevocationFeed | undefined;

  async function stopServices(): Promise<void> {
    await gateway?.stop();
    gateway = undefined;
    for (const service of [...started.values()].reverse()) await service.stop();
    started.clear();
    await revocationFeed?.stop();
    revocationFeed = undefined;
  }

  async function stop(): Promise<void> {
    await stopServices();
    if (ownsBus) await eventBus.close();
  }

  /**
   * Ports are chosen before anything starts: services call each other
   * (accounts claims invitation codes), so each must know the others' URLs up
   * front. A port found free can be taken by another process before the
   * service binds it; then everything started is stopped and tried again on
   * other ports.
   */
  async function startServices(): Promise<void> {
    revocationFeed = await startRevocationFeed({
      bus: eventBus,
      accessTokenTtlSeconds: identity.accessTokenTtlSeconds,
      logger: loggerFor('access-revocations'),
    });
    const revocations = revocationFeed.revocations;
    let jwksUrl: string | undefined;
    const ports = new Map<string, number>();
    for (const module of subgraphModules) ports.set(module.name, options.subgraphPorts?.[module.name] || (await freePort()));
    const gatewayPort = options.gatewayPort || (await freePort());
    const serviceUrls = {
      ...Object.fromEntries(
        subgraphModules.map((module) => [`${module.environmentPrefix}_SERVICE_URL`, `http://127.0.0.1:${ports.get(module.name)}`]),
      ),
      // Every link a service hands out (uploads, documents, reports) points at the gateway.
      PUBLIC_URL: publicUrlFor(base, gatewayPort),
    };
    for (const module of subgraphModules) {
      const name = `${prefix}_${module.name}`;
      await ensureDatabase(options.postgresServerUrl, name);
      const settings = module.parseSettings({
        ...serviceUrls,
        ...base,
        ...(jwksUrl ? { ACCOUNTS_JWKS_URL: jwksUrl } : {}),
        MIGRATE_ON_START: 'true',
        [`${module.environmentPrefix}_PORT`]: String(ports.get(module.name)),
        [`${module.environmentPrefix}_DATABASE_URL`]: databaseUrl(options.postgresServerUrl, name),
      });
      const observe = options.onStatement;
      const service = await startSubgraphModule(module, settings, {
        eventBus,
        revocations,
        logger: loggerFor(module.name),
        ...(observe ? { onStatement: (sql: string, backgroundWork: string | undefined) => observe(module.name, sql, backgroundWork) } : {}),
      });
      started.set(module.name, service);
      if (module.name === 'accounts') jwksUrl = `${service.url}/.well-known/jwks.json`;
    }
    const gatewaySettings = parseGatewaySettings({
      ...base,
      GATEWAY_PORT: String(gatewayPort),
      ...(jwksUrl ? { ACCOUNTS_JWKS_URL: jwksUrl } : {}),
      ...Object.fromEntries([...started].map(([name, service]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${service.url}/graphql`])),
    });
    gateway = await startGateway(gatewaySettings, { logger: loggerFor('gateway'), eventBus, revocations });
  }

  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await startServices();
        return { gateway: gateway!, eventBus, subgraphs: started, stop };
      } catch (error) {
        const portsChosenHere = !options.gatewayPort || subgraphModules.some((module) => !options.subgraphPorts?.[module.name]);
        if (!portsChosenHere || !isAddressInUse(error) || attempt >= PORT_ATTEMPTS) throw error;
        await stopServices();
      }
    }
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

const PORT_ATTEMPTS = 5;

const isAddressInUse = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';
