import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, DEFAULT_GATEWAY_PORT, env, parseEnvironment, projectRoot, publicBaseUrl, type Environment } from '#kit';

const demoEnvironmentShape = {
  NODE_ENV: env.nodeEnv(),
  /** `npm start` seeds the demo data once the platform is up (same as `npm start -- --demo`). */
  DEMO_DATA: env.flag(false),
  /** Where the demo admin's TOTP secret is kept between runs. */
  DEMO_STATE_FILE: z.string().min(1).default(join(projectRoot, '.data', 'demo-data.json')),
  GATEWAY_PORT: env.port(DEFAULT_GATEWAY_PORT),
  PUBLIC_URL: z.url().optional(),
};

export interface DemoSettings {
  /** Whether `npm start` seeds on its own. */
  seedOnStart: boolean;
  stateFile: string;
  /** Where the seed reaches the gateway. */
  publicUrl: string;
}

/** Demo data is for development: production refuses it, so a real marketplace never gets demo users with a published password. */
export function parseDemoSettings(environment: Environment, options: { demoFlag?: boolean; seeding?: boolean } = {}): DemoSettings {
  const parsed = parseEnvironment(demoEnvironmentShape, environment);
  const seeding = options.seeding === true || parsed.DEMO_DATA || options.demoFlag === true;
  if (seeding && parsed.NODE_ENV === 'production') {
    throw new ConfigError(['NODE_ENV: demo data is never created in production (its accounts share a published password)']);
  }
  return {
    seedOnStart: parsed.DEMO_DATA || options.demoFlag === true,
    stateFile: parsed.DEMO_STATE_FILE,
    publicUrl: publicBaseUrl(parsed.PUBLIC_URL ?? `http://127.0.0.1:${parsed.GATEWAY_PORT}`),
  };
}
