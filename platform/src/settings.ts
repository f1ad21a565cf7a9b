import { join } from 'node:path';
import { z } from 'zod';
import { env, parseEnvironment, projectRoot, type Environment } from '#kit';
import { subgraphModules } from './subgraph-modules.js';

const platformEnvironmentShape = {
  /** A PostgreSQL server to use instead of the embedded one, e.g. postgresql://user:pass@host:5432/postgres. */
  DATABASE_URL: z.string().startsWith('postgres', 'must be a postgresql:// URL').optional(),
  EMBEDDED_POSTGRES_PORT: env.port(55432),
  EMBEDDED_POSTGRES_DIR: z.string().default(join(projectRoot, '.data', 'postgres')),
  GATEWAY_PORT: env.port(4000),
};

export function parsePlatformSettings(environment: Environment) {
  return parseEnvironment(platformEnvironmentShape, environment);
}

/** Each subgraph's port for `npm start`: `<PREFIX>_PORT`, or the module's default. */
export function subgraphPortsFrom(environment: Environment): Record<string, number> {
  const shape = Object.fromEntries(subgraphModules.map((module) => [`${module.environmentPrefix}_PORT`, env.port(module.defaultPort)]));
  const parsed = parseEnvironment(shape, environment) as Record<string, number>;
  return Object.fromEntries(subgraphModules.map((module) => [module.name, parsed[`${module.environmentPrefix}_PORT`]!]));
}
