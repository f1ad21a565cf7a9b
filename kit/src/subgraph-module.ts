import type { AccessTokenVerifier } from './auth/access-token-verifier.js';
import { loadConfigOrExit, type Environment } from './config.js';
import { openDatabase, type Database, type PrismaClientConstructor, type PrismaLike } from './database.js';
import { createLogger, type Logger } from './logger.js';
import { applyMigrations, readMigrations } from './migrations.js';
import { migrationsDirectory } from './project-paths.js';
import { onShutdownSignal } from './shutdown.js';
import { startSubgraph, type SubgraphDefinition } from './subgraph.js';
import type { RunningService } from './http/service-server.js';

/** The settings the kit itself needs from every subgraph's configuration. */
export interface SubgraphProcessSettings {
  nodeEnv: 'development' | 'test' | 'production';
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  host: string;
  port: number;
  databaseUrl: string;
  gatewaySecret: string;
  migrateOnStart: boolean;
}

export interface AssembledSubgraph {
  // Each subgraph has its own context type; the kit only passes it through.
  definition: SubgraphDefinition<any>;
  tokenVerifier: AccessTokenVerifier;
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
  PrismaClient: PrismaClientConstructor<Client>;
  parseSettings(environment: Environment): Settings;
  assemble(database: Database<Client>, settings: Settings, logger: Logger): Promise<AssembledSubgraph>;
}

export interface StartOptions {
  logger?: Logger;
  /** Observes every SQL statement the subgraph sends; for tests that count statements. */
  onStatement?: (sql: string) => void;
}

export interface StartedSubgraph<Client extends PrismaLike> extends RunningService {
  readonly database: Database<Client>;
  readonly assembled: AssembledSubgraph;
}

export async function startSubgraphModule<Settings extends SubgraphProcessSettings, Client extends PrismaLike>(
  module: SubgraphModule<Settings, Client>,
  settings: Settings,
  options: StartOptions = {},
): Promise<StartedSubgraph<Client>> {
  const logger = options.logger ?? createLogger({ service: module.name, level: settings.logLevel });
  if (settings.migrateOnStart) {
    const report = await applyMigrations(settings.databaseUrl, await readMigrations(migrationsDirectory(module.name)));
    if (report.applied.length > 0) logger.info({ applied: report.applied }, 'migrations applied');
  }
  const database = openDatabase(module.PrismaClient, {
    url: settings.databaseUrl,
    ...(options.onStatement ? { onStatement: options.onStatement } : {}),
  });
  const assembled = await module.assemble(database, settings, logger);
  const service = await startSubgraph(
    { ...assembled.definition, onStop: [...(assembled.definition.onStop ?? []), () => database.close()] },
    {
      logger,
      host: settings.host,
      port: settings.port,
      gatewaySecret: settings.gatewaySecret,
      tokenVerifier: assembled.tokenVerifier,
      introspection: settings.nodeEnv !== 'production',
    },
  );
  return Object.assign(service, { database, assembled });
}

/** A subgraph's whole entry point: parse the environment, start, stop on SIGTERM. */
export async function runSubgraphProcess<Settings extends SubgraphProcessSettings, Client extends PrismaLike>(
  module: SubgraphModule<Settings, Client>,
): Promise<void> {
  const settings = loadConfigOrExit(() => module.parseSettings(process.env));
  const logger = createLogger({ service: module.name, level: settings.logLevel });
  const service = await startSubgraphModule(module, settings, { logger });
  onShutdownSignal(logger, [service.stop]);
}
