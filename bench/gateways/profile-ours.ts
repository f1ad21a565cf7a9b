// Profiles our gateway (one process) under the benchmark's load: V8's CPU profile
// of the gateway is written to --out (default /tmp/gateway-profile), for
// `npx tsx bench/gateways/profile-summary.ts <file.cpuprofile>` or Chrome DevTools.
//
//   npx tsx bench/gateways/profile-ours.ts [--variant plain|jwt] [--duration 15] [--out DIR]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/free-port.js';
import { benchQuery, composeBenchSupergraph, expectedResponse, type BenchSubgraphName } from './bench-supergraph.js';
import { createBenchKey, signBenchTokens } from './bench-tokens.js';
import { ourGatewayEnvironment } from './our-gateway-environment.js';

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1]!;
};
const variant = argument('variant', 'jwt');
const duration = Number(argument('duration', '15'));
const out = argument('out', '/tmp/gateway-profile');
mkdirSync(out, { recursive: true });

const root = new URL('../../', import.meta.url).pathname;
const tsx = join(root, 'node_modules/.bin/tsx');
const work = mkdtempSync(join(tmpdir(), 'gateway-profile-'));
process.env['BENCH_TOKEN_KEY_PATH'] = join(work, 'key.pem');
createBenchKey(process.env['BENCH_TOKEN_KEY_PATH']);
const urlsFile = join(work, 'urls.json');
const subgraphs = spawn(tsx, [join(root, 'bench/gateways/bench-subgraphs.ts'), urlsFile], { cwd: root, stdio: 'ignore', detached: true });
while (!existsSync(urlsFile)) await sleep(100);
const urls = JSON.parse(readFileSync(urlsFile, 'utf8')) as Record<BenchSubgraphName, string>;
const supergraphPath = join(work, 'supergraph.graphql');
writeFileSync(supergraphPath, composeBenchSupergraph(urls));
const expectedPath = join(work, 'expected.json');
writeFileSync(expectedPath, expectedResponse().json);
const tokensPath = join(work, 'tokens.txt');
writeFileSync(tokensPath, signBenchTokens(6000).join('\n'));
const port = await freePort();
const gateway = spawn(
  process.execPath,
  ['--cpu-prof', `--cpu-prof-dir=${out}`, '--max-semi-space-size=64', '--import', 'tsx', join(root, 'gateway/src/main.ts')],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      APOLLO_TELEMETRY_DISABLED: 'true',
      ...ourGatewayEnvironment({ port, supergraphPath, accountsOrigin: new URL(urls.accounts).origin }),
      // One process, with the deployed young generation given on the command line above.
      GATEWAY_WORKERS: '1',
      LOG_LEVEL: 'warn',
    },
  },
);
const url = `http://127.0.0.1:${port}/graphql`;
for (;;) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: benchQuery }),
    });
    if (response.ok) break;
  } catch {
    /* not yet */
  }
  await sleep(250);
}
const load = spawn(
  tsx,
  [
    join(root, 'bench/gateways/load-generator.ts'),
    JSON.stringify({
      url,
      query: benchQuery,
      vus: 50,
      warmUpSeconds: 3,
      durationSeconds: duration,
      expectedPath,
      ...(variant === 'jwt' ? { tokensPath } : {}),
    }),
  ],
  { cwd: root, stdio: 'inherit' },
);
await new Promise((resolve) => load.once('exit', resolve));
gateway.kill('SIGTERM');
await new Promise((resolve) => gateway.once('exit', resolve));
process.kill(-subgraphs.pid!, 'SIGTERM');
rmSync(work, { recursive: true, force: true });
process.stdout.write(`profile written to ${out}\n`);
