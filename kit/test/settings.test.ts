import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env } from '../src/config.js';
import { defineSettings, setting } from '../src/settings.js';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const DEV_SECRET = 'development-settings-secret-0123';

const settings = defineSettings({
  nodeEnv: setting('NODE_ENV', env.nodeEnv(), 'Which environment this is.'),
  port: setting('SERVICE_PORT', env.port(4100), 'The port.'),
  databaseUrl: setting('SERVICE_DATABASE_URL', z.string().startsWith('postgres', 'must be a postgresql:// URL'), 'The database.'),
  brokers: setting('SERVICE_BROKERS', env.requiredInProduction(env.list().default([])), 'The brokers.'),
  signingSecret: setting('SERVICE_SIGNING_SECRET', env.secret(DEV_SECRET), 'Signs links.'),
  retry: {
    baseMs: setting('SERVICE_RETRY_BASE_MS', z.coerce.number().int().min(1).default(50), 'The first wait.'),
    maxMs: setting('SERVICE_RETRY_MAX_MS', z.coerce.number().int().min(1).optional(), 'The longest wait.', {
      documentedDefault: 'ten times the base',
    }),
  },
});

describe('defineSettings', () => {
  it('parses into the declared properties, nested groups included, typed from the declarations', () => {
    const parsed = settings.parse({ SERVICE_DATABASE_URL: 'postgresql://localhost/app', SERVICE_RETRY_MAX_MS: '900' });
    expect(parsed).toEqual({
      nodeEnv: 'development',
      port: 4100,
      databaseUrl: 'postgresql://localhost/app',
      brokers: [],
      signingSecret: DEV_SECRET,
      retry: { baseMs: 50, maxMs: 900 },
    });
    expectTypeOf(parsed.port).toEqualTypeOf<number>();
    expectTypeOf(parsed.brokers).toEqualTypeOf<string[]>();
    expectTypeOf(parsed.retry.maxMs).toEqualTypeOf<number | undefined>();
  });

  it('reports every problem at once, by variable name', () => {
    const problems = problemsOf(() => settings.parse({ SERVICE_PORT: '70000', SERVICE_RETRY_BASE_MS: '0' }));
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['SERVICE_PORT', 'SERVICE_DATABASE_URL', 'SERVICE_RETRY_BASE_MS']);
  });

  it('keeps the production rules of env.secret and env.requiredInProduction', () => {
    const problems = problemsOf(() => settings.parse({ NODE_ENV: 'production', SERVICE_DATABASE_URL: 'postgres://db/app' }));
    expect(problems).toContain('SERVICE_SIGNING_SECRET: must be set when NODE_ENV=production (not set)');
    expect(problems).toContain('SERVICE_BROKERS: must be set when NODE_ENV=production (not set)');
  });

  it('refuses a variable declared twice', () => {
    expect(() => defineSettings({ a: setting('SAME', env.port(1), 'a'), b: { c: setting('SAME', env.port(2), 'c') } })).toThrow(
      /SAME is declared twice/,
    );
  });

  it('documents every variable in declaration order, with its default and production rule', () => {
    expect(settings.document()).toEqual([
      {
        variable: 'NODE_ENV',
        defaultValue: '`development`',
        description: 'Which environment this is.',
        productionSecret: false,
        requiredInProduction: false,
      },
      { variable: 'SERVICE_PORT', defaultValue: '`4100`', description: 'The port.', productionSecret: false, requiredInProduction: false },
      {
        variable: 'SERVICE_DATABASE_URL',
        defaultValue: undefined,
        description: 'The database.',
        productionSecret: false,
        requiredInProduction: false,
      },
      {
        variable: 'SERVICE_BROKERS',
        defaultValue: 'empty',
        description: 'The brokers.',
        productionSecret: false,
        requiredInProduction: true,
      },
      {
        variable: 'SERVICE_SIGNING_SECRET',
        defaultValue: 'a development value',
        description: 'Signs links.',
        productionSecret: true,
        requiredInProduction: false,
      },
      {
        variable: 'SERVICE_RETRY_BASE_MS',
        defaultValue: '`50`',
        description: 'The first wait.',
        productionSecret: false,
        requiredInProduction: false,
      },
      {
        variable: 'SERVICE_RETRY_MAX_MS',
        defaultValue: 'ten times the base',
        description: 'The longest wait.',
        productionSecret: false,
        requiredInProduction: false,
      },
    ]);
  });

  it('documents the default as declared, before a transform', () => {
    const rate = defineSettings({
      rate: setting(
        'RATE',
        z
          .string()
          .default('0.10')
          .transform((text) => Math.round(Number(text) * 10_000)),
        'A rate.',
      ),
    });
    expect(rate.parse({}).rate).toBe(1_000);
    expect(rate.document()[0]?.defaultValue).toBe('`0.10`');
  });
});
