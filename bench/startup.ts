// Measures how long `npm start` takes to serve: from spawning the start script
// to the gateway answering /ready with 200, on a fresh data directory (first
// start: initdb and migrations) and then on the existing one (a restart).
//
//   npx tsx bench/startup.ts [runs]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '#kit';
import { freePort } from '../test/support/free-port.js';
import { subgraphModules } from '../platform/src/subgraph-modules.js';

const runs = Number(process.argv[2] ?? 5);

async function timeOneStart(dataDirectory: string): Promise<number> {
  const [gateway, postgres] = [await freePort(), await freePort()];
  const subgraphPorts: Record<string, string> = {};
  for (const module of subgraphModules) subgraphPorts[`${module.environmentPrefix}_PORT`] = String(await freePort());
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts', 'start.ts')], {
    cwd: projectRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      GATEWAY_PORT: String(gateway),
      ...subgraphPorts,
      EMBEDDED_POSTGRES_PORT: String(postgres),
      EMBEDDED_POSTGRES_DIR: dataDirectory,
    },
  });
  try {
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${gateway}/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return performance.now() - startedAt;
      if (performance.now() - startedAt > 60_000) throw new Error('not ready after 60 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    child.kill('SIGTERM');
    const outcome = await exited;
    if (outcome !== 0) process.stderr.write(`start script ended with ${String(outcome)}\n`);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const fresh: number[] = [];
const restart: number[] = [];
for (let run = 0; run < runs; run += 1) {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'gasrapido-bench-pg-'));
  try {
    fresh.push(await timeOneStart(dataDirectory));
    restart.push(await timeOneStart(dataDirectory));
  } finally {
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}
const format = (values: number[]) =>
  `median ${(median(values) / 1000).toFixed(2)} s, min ${(Math.min(...values) / 1000).toFixed(2)} s, max ${(Math.max(...values) / 1000).toFixed(2)} s`;
process.stdout.write(`npm start to gateway ready, ${runs} runs each\n`);
process.stdout.write(`  first start (initdb + migrations): ${format(fresh)}\n`);
process.stdout.write(`  restart on existing data:          ${format(restart)}\n`);
