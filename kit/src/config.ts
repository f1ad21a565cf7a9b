import { z } from 'zod';
import { registerDevelopmentDefault, reusedSecrets, weaknessOf } from './production-secrets.js';

/** Every problem found in a process's configuration, reported together. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

export type NodeEnvironment = 'development' | 'test' | 'production';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

const productionSecrets = new WeakSet<z.ZodType>();
/** Settings with a development fallback that production must name explicitly. */
const requiredInProduction = new WeakSet<z.ZodType>();

/**
 * Parses environment variables against a zod object schema whose keys are the
 * variable names. Empty strings count as unset so that `FOO=` in a shell or a
 * compose file falls back to the default instead of failing validation.
 * Fields built with `env.secret()` have a development default but must be set
 * explicitly when `NODE_ENV=production`, to a value that is not public, short
 * or predictable, and not shared with another secret (production-secrets.ts).
 */
export function parseEnvironment<Shape extends z.ZodRawShape>(shape: Shape, environment: Environment): z.infer<z.ZodObject<Shape>> {
  const present: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = environment[key];
    if (value !== undefined && value !== '') present[key] = value;
  }
  const problems: string[] = [];
  if (environment['NODE_ENV'] === 'production') {
    const secrets: Array<[string, string]> = [];
    for (const [key, schema] of Object.entries(shape)) {
      if (!productionSecrets.has(schema as z.ZodType)) continue;
      const value = present[key];
      if (value === undefined) {
        problems.push(`${key}: must be set when NODE_ENV=production (not set)`);
        continue;
      }
      secrets.push([key, value]);
      // Shorter than the schema's own minimum: the schema reports it below.
      if (value.length < 16) continue;
      const weakness = weaknessOf(value);
      if (weakness !== undefined) problems.push(`${key}: ${weakness}`);
    }
    problems.push(...reusedSecrets(secrets));
    for (const [key, schema] of Object.entries(shape)) {
      if (requiredInProduction.has(schema as z.ZodType) && present[key] === undefined)
        problems.push(`${key}: must be set when NODE_ENV=production (not set)`);
    }
  }
  const result = z.object(shape).safeParse(present);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = issue.path.join('.');
      problems.push(`${name}: ${issue.message}${present[name] === undefined ? ' (not set)' : ''}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/** Loads configuration at a process's entry point; prints every problem and exits on failure. */
export function loadConfigOrExit<Config>(load: () => Config): Config {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/** Whether a setting was built with `env.secret()`. */
export function isProductionSecret(schema: z.ZodType): boolean {
  return productionSecrets.has(schema);
}

/** Whether a setting was marked with `env.requiredInProduction()`. */
export function isRequiredInProduction(schema: z.ZodType): boolean {
  return requiredInProduction.has(schema);
}

export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  url: () => z.url(),
  seconds: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .transform((value) => value === 'true' || value === '1' || value === 'yes')
      .default(fallback),
  /** A flag that stays undefined when unset, for defaults that depend on other settings. */
  optionalFlag: () =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .transform((value) => value === 'true' || value === '1' || value === 'yes')
      .optional(),
  nodeEnv: () => z.enum(['development', 'test', 'production']).default('development'),
  logLevel: () => z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** A secret with a development default; in production it must be set to a strong value of its own. */
  secret: (developmentDefault: string) => {
    const schema = z.string().min(16, 'must be at least 16 characters').default(developmentDefault);
    productionSecrets.add(schema);
    registerDevelopmentDefault(developmentDefault);
    return schema;
  },
  /** Marks a setting whose development fallback production may not use (see parseEnvironment). */
  requiredInProduction: <Schema extends z.ZodType>(schema: Schema): Schema => {
    requiredInProduction.add(schema);
    return schema;
  },
  list: () =>
    z.string().transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    ),
};
