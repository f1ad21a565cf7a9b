import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_GATEWAY_PORT, defineSettings, env, projectRoot, setting, type Environment, type Setting } from '#kit';
import { subgraphModules } from './subgraph-modules.js';

/** What `npm start` (the whole supergraph in one process) reads besides each service's settings. */
export const platformSettings = defineSettings({
  databaseUrl: setting(
    'DATABASE_URL',
    z.string().startsWith('postgres', 'must be a postgresql:// URL').optional(),
    'A PostgreSQL server for all subgraph databases instead of the embedded one, e.g. postgresql://user:pass@host:5432/postgres.',
    { documentedDefault: 'the embedded server' },
  ),
  embeddedPostgresPort: setting('EMBEDDED_POSTGRES_PORT', env.port(55432), 'The port of the embedded PostgreSQL server.'),
  embeddedPostgresDirectory: setting(
    'EMBEDDED_POSTGRES_DIR',
    z.string().default(join(projectRoot, '.data', 'postgres')),
    "The embedded server's data.",
    {
      documentedDefault: '`.data/postgres`',
    },
  ),
  gatewayPort: setting('GATEWAY_PORT', env.port(DEFAULT_GATEWAY_PORT), "The gateway's port; `PUBLIC_URL` defaults to it."),
});

export function parsePlatformSettings(environment: Environment) {
  return platformSettings.parse(environment);
}

/** Each subgraph's port for `npm start`: `<PREFIX>_PORT`, or the module's default. */
export function subgraphPortsFrom(environment: Environment): Record<string, number> {
  const ports: Record<string, Setting<ReturnType<typeof env.port>>> = Object.fromEntries(
    subgraphModules.map((module) => [
      module.name,
      setting(`${module.environmentPrefix}_PORT`, env.port(module.defaultPort), `The ${module.name} subgraph's port.`),
    ]),
  );
  return defineSettings(ports).parse(environment);
}
