import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBenchSubgraphs } from '../../bench/gateways/bench-subgraphs.js';
import { composeBenchSupergraph } from '../../bench/gateways/bench-supergraph.js';
import { freePort } from '../support/free-port.js';

/**
 * The pids of a process's direct children that are gateway workers. tsx may also run an esbuild
 * service as a child (on a cold compile cache, as in a fresh clone): that one is not a worker.
 */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const isChild = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      if (isChild && !readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('esbuild')) children.push(Number(entry));
    } catch {
      /* exited */
    }
  }
  return children;
}

async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(200);
  }
}

describe('the gateway with GATEWAY_WORKERS=2', () => {
  let subgraphs: Awaited<ReturnType<typeof startBenchSubgraphs>>;
  let primary: ChildProcess;
  let url: string;
  let work: string;

  beforeAll(async () => {
    subgraphs = await startBenchSubgraphs();
    work = mkdtempSync(join(tmpdir(), 'gateway-cluster-'));
    const supergraphPath = join(work, 'supergraph.graphql');
    writeFileSync(supergraphPath, composeBenchSupergraph(subgraphs.urls));
    const port = await freePort();
    url = `http://127.0.0.1:${port}/graphql`;
    primary = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        GATEWAY_PORT: String(port),
        SUPERGRAPH_PATH: supergraphPath,
        GATEWAY_WORKERS: '2',
        APOLLO_TELEMETRY_DISABLED: 'true',
      },
      stdio: 'ignore',
    });
  });
  afterAll(async () => {
    if (primary.exitCode === null) primary.kill('SIGKILL');
    await subgraphs.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const ask = async () => {
    try {
      // Bounded: a connection handed to a worker at the moment it is killed may never be answered.
      const response = await fetch(url, {
        signal: AbortSignal.timeout(5_000),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ topProducts(first: 2) { upc name inStock reviews { author { username } } } }' }),
      });
      return response.status === 200 ? ((await response.json()) as { data?: { topProducts: unknown[] } }) : undefined;
    } catch {
      return undefined;
    }
  };

  it('serves the supergraph from two worker processes sharing the port', async () => {
    // Two gateways compile and start on two cores shared with the rest of the suite: allow for a slow start.
    const answer = await eventually(ask, 140_000);
    expect(answer.data?.topProducts).toHaveLength(2);
    expect(await eventually(() => (childrenOf(primary.pid!).length === 2 ? true : undefined))).toBe(true);
  }, 200_000);

  it('replaces a worker that dies, and keeps answering meanwhile', async () => {
    const [victim] = childrenOf(primary.pid!);
    process.kill(victim!, 'SIGKILL');
    expect((await eventually(ask)).data?.topProducts).toHaveLength(2);
    const replaced = await eventually(() => {
      const workers = childrenOf(primary.pid!);
      return workers.length === 2 && !workers.includes(victim!) ? workers : undefined;
    });
    expect(replaced).toHaveLength(2);
  }, 150_000);

  it('stops every worker and exits cleanly on SIGTERM', async () => {
    const workers = childrenOf(primary.pid!);
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const worker of workers) expect(() => process.kill(worker, 0)).toThrow();
  });
});
