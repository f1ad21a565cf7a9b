import { join } from 'node:path';
import { z } from 'zod';
import { env, parseEnvironment, projectRoot, type Environment } from '#kit';

const platformEnvironmentShape = {
  /** A PostgreSQL server to use instead of the embedded one, e.g. postgresql://user:pass@host:5432/postgres. */
  DATABASE_URL: z.string().startsWith('postgres', 'must be a postgresql:// URL').optional(),
  EMBEDDED_POSTGRES_PORT: env.port(55432),
  EMBEDDED_POSTGRES_DIR: z.string().default(join(projectRoot, '.data', 'postgres')),
  GATEWAY_PORT: env.port(4000),
  ACCOUNTS_PORT: env.port(4001),
  PRODUCTS_PORT: env.port(4002),
};

export function parsePlatformSettings(environment: Environment) {
  return parseEnvironment(platformEnvironmentShape, environment);
}
