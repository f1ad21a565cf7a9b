// `npm run demo:seed`: fills a running platform (`npm start` in another terminal) with a demo
// marketplace in São Paulo: an admin with a TOTP secret, verified suppliers and couriers, products,
// a customer and an order in each state. Through the gateway's public API, idempotently: running
// it again creates only what is missing. Refused when NODE_ENV=production. `npm start -- --demo`
// (or DEMO_DATA=true) does the same once the platform is up. See docs/demo-data.md.
import { loadConfigOrExit } from '#kit';
import { adminCreatorFor } from '../platform/src/demo/admin-command.js';
import { describeDemo, seedDemoData } from '../platform/src/demo/seed.js';
import { parseDemoSettings } from '../platform/src/demo/demo-settings.js';

const settings = loadConfigOrExit(() => parseDemoSettings(process.env, { seeding: true }));

try {
  const probe = await fetch(`${settings.publicUrl}/ready`).catch(() => undefined);
  if (probe === undefined) {
    process.stderr.write(
      `demo:seed: no gateway answers at ${settings.publicUrl}. Start the platform first (npm start), or set PUBLIC_URL / GATEWAY_PORT to where it runs.\n`,
    );
    process.exit(69);
  }
  const summary = await seedDemoData({
    graphqlUrl: `${settings.publicUrl}/graphql`,
    createAdmin: adminCreatorFor(process.env),
    stateFile: settings.stateFile,
    log: (line) => process.stderr.write(`demo:seed: ${line}\n`),
  });
  process.stdout.write(describeDemo(summary, settings.publicUrl));
} catch (error) {
  process.stderr.write(`demo:seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
