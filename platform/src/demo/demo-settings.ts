import { join } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  DEFAULT_GATEWAY_PORT,
  defineSettings,
  env,
  projectRoot,
  publicBaseUrl,
  setting,
  sharedSettings,
  type Environment,
} from '#kit';

export const demoSettings = defineSettings({
  nodeEnv: sharedSettings.nodeEnv,
  seedOnStart: setting(
    'DEMO_DATA',
    env.flag(false),
    '`npm start` seeds the demo data once the platform is up (same as `npm start -- --demo`).',
  ),
  stateFile: setting(
    'DEMO_STATE_FILE',
    z
      .string()
      .min(1)
      .default(join(projectRoot, '.data', 'demo-data.json')),
    "Where the demo admin's TOTP secret is kept between runs.",
    {
      documentedDefault: '`.data/demo-data.json`',
    },
  ),
  gatewayPort: setting('GATEWAY_PORT', env.port(DEFAULT_GATEWAY_PORT), "The gateway's port; `PUBLIC_URL` defaults to it."),
  publicUrl: setting(
    'PUBLIC_URL',
    z.url().optional(),
    'Where the demo seed (`npm start -- --demo`, `npm run demo:seed`) reaches the gateway.',
    { documentedDefault: 'the gateway on `GATEWAY_PORT`' },
  ),
});

export interface DemoSettings {
  /** Whether `npm start` seeds on its own. */
  seedOnStart: boolean;
  stateFile: string;
  /** Where the seed reaches the gateway. */
  publicUrl: string;
}

/** Demo data is for development: production refuses it, so a real marketplace never gets demo users with a published password. */
export function parseDemoSettings(environment: Environment, options: { demoFlag?: boolean; seeding?: boolean } = {}): DemoSettings {
  const parsed = demoSettings.parse(environment);
  const seeding = options.seeding === true || parsed.seedOnStart || options.demoFlag === true;
  if (seeding && parsed.nodeEnv === 'production') {
    throw new ConfigError(['NODE_ENV: demo data is never created in production (its accounts share a published password)']);
  }
  return {
    seedOnStart: parsed.seedOnStart || options.demoFlag === true,
    stateFile: parsed.stateFile,
    publicUrl: publicBaseUrl(parsed.publicUrl ?? `http://127.0.0.1:${parsed.gatewayPort}`),
  };
}
