// `npm start`: the whole supergraph in one process on embedded defaults.
// PostgreSQL is embedded (data in .data/postgres) unless DATABASE_URL names a server.
import { createLogger, loadConfigOrExit, onShutdownSignal, parseTracingSettings, startTracing } from '#kit';
import { startEmbeddedPostgres, type RunningPostgres } from '../platform/src/embedded-postgres.js';
import { launchPlatform, type RunningPlatform } from '../platform/src/launch.js';
import { parsePlatformSettings, subgraphPortsFrom } from '../platform/src/settings.js';
import { adminCreatorFor } from '../platform/src/demo/admin-command.js';
import { parseDemoSettings } from '../platform/src/demo/demo-settings.js';
import { describeDemo, seedDemoData } from '../platform/src/demo/seed.js';

const startedAt = performance.now();
const settings = loadConfigOrExit(() => parsePlatformSettings(process.env));
// `npm start -- --demo` or DEMO_DATA=true: a demo marketplace once the platform is up (never in production).
const demo = loadConfigOrExit(() => parseDemoSettings(process.env, { demoFlag: process.argv.slice(2).includes('--demo') }));
const logger = createLogger({ service: 'platform', level: 'info' });
// Exports traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise a no-op.
const tracing = startTracing(loadConfigOrExit(() => parseTracingSettings(process.env, 'gasrapido-platform')));

let postgres: RunningPostgres | undefined;
let platform: RunningPlatform | undefined;
// Installed before anything starts, so a signal during start-up still stops the embedded server.
onShutdownSignal(logger, [async () => platform?.stop(), async () => postgres?.stop(), () => tracing.shutdown()]);

let serverUrl = settings.databaseUrl;
if (serverUrl === undefined) {
  postgres = await startEmbeddedPostgres({ dataDirectory: settings.embeddedPostgresDirectory, port: settings.embeddedPostgresPort });
  serverUrl = postgres.serverUrl;
  logger.info({ dataDirectory: settings.embeddedPostgresDirectory, port: settings.embeddedPostgresPort }, 'embedded PostgreSQL started');
}

try {
  platform = await launchPlatform({
    postgresServerUrl: serverUrl,
    environment: process.env,
    gatewayPort: settings.gatewayPort,
    subgraphPorts: loadConfigOrExit(() => subgraphPortsFrom(process.env)),
  });
  const url = `http://localhost:${platform.gateway.port}`;
  logger.info(
    { startupMs: Math.round(performance.now() - startedAt), sandbox: `${url}/`, graphql: `${url}/graphql` },
    `GasRápido is up: open ${url}/ for Apollo Sandbox`,
  );
  if (demo.seedOnStart) {
    // The platform keeps running if the seed fails: it is an aid, not part of the service.
    await seedDemoData({
      graphqlUrl: `${url}/graphql`,
      createAdmin: adminCreatorFor(process.env),
      stateFile: demo.stateFile,
      log: (line) => logger.info(`demo data: ${line}`),
    }).then(
      (summary) => process.stdout.write(describeDemo(summary, url)),
      (error: unknown) => logger.error({ err: error }, 'demo data could not be created; run `npm run demo:seed` to try again'),
    );
  }
} catch (error) {
  logger.error({ err: error }, 'start failed');
  await postgres?.stop();
  process.exit(1);
}
