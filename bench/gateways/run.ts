// The federation gateway benchmark, offline, on this machine: one supergraph of
// four fast subgraphs, each gateway in turn in front of the same subgraphs, and a
// closed-model load generator in its own process. See BENCHMARKS.md.
//
//   npx tsx bench/gateways/run.ts [--variants plain,jwt,vus300] [--gateways stock,ours-1,ours,hive,hive-fork2,hive-router,ours-1-stock-executor,ours-1-nodedup]
//                                 [--warm-up 10] [--duration 30] [--vus 50] [--tokens 6000]
//
// A native router is measured when its binary is given: HIVE_ROUTER_BIN=/path/to/hive_router
// (built with `cargo +nightly install hive-router --locked --features graphiql`, see BENCHMARKS.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/free-port.js';
import { benchQuery, composeBenchSupergraph, expectedResponse, subgraphNames, type BenchSubgraphName } from './bench-supergraph.js';
import { createBenchKey, signBenchTokens } from './bench-tokens.js';
import { oneProcess, ourGatewayEnvironment } from './our-gateway-environment.js';

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1]!;
};
const variants = argument('variants', 'plain,jwt,vus300').split(',');
const warmUpSeconds = Number(argument('warm-up', '10'));
const durationSeconds = Number(argument('duration', '30'));
const baseVus = Number(argument('vus', '50'));
const tokenCount = Number(argument('tokens', '6000'));
const hiveRouterBin = process.env['HIVE_ROUTER_BIN'];
const gatewayNames = argument('gateways', `stock,ours-1,ours,hive,hive-fork2${hiveRouterBin ? ',hive-router' : ''}`).split(',');

const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'gateway-bench-'));
const tsx = join(root, 'node_modules/.bin/tsx');
const keyPath = join(work, 'bench-key.pem');
createBenchKey(keyPath);
process.env['BENCH_TOKEN_KEY_PATH'] = keyPath;

const children: ChildProcess[] = [];
function start(command: string, args: string[], env: Record<string, string> = {}, logName?: string): ChildProcess {
  const child = spawn(command, args, {
    cwd: root,
    // No gateway under test may report usage or probe cloud metadata endpoints (@apollo/gateway does by default).
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true', ...env },
    stdio: ['ignore', logName ? 'pipe' : 'ignore', logName ? 'pipe' : 'ignore'],
    detached: true,
  });
  if (logName !== undefined) {
    const log = createWriteStream(join(work, `${logName}.log`));
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  children.push(child);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
  if (timedOut) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    await exited;
  }
}

/** A process and all its descendants. */
function processTree(pid: number): Set<number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited */
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, parent] of parents) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  return tree;
}

/** The resident memory of a process and all its descendants, in bytes. */
function treeRss(pid: number): number {
  let total = 0;
  for (const member of processTree(pid)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${member}/status`, 'utf8'));
      total += Number(match?.[1] ?? 0) * 1024;
    } catch {
      /* exited */
    }
  }
  return total;
}

/**
 * CPU seconds (user + system) spent so far by a process and its descendants.
 * On a shared machine this is the robust measure of a gateway's efficiency:
 * wall-clock throughput depends on how much CPU the other tenants leave over.
 */
function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const member of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${member}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* exited */
    }
  }
  return ticks / 100;
}

async function waitUntilCorrect(url: string, expectedData: unknown, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: benchQuery }),
      });
      const text = await response.text();
      const body = JSON.parse(text) as { data?: unknown; errors?: unknown };
      if (response.status === 200 && body.errors === undefined && JSON.stringify(body.data) === JSON.stringify(expectedData)) return;
      last = `${response.status} ${text.slice(0, 400)}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(250);
  }
  throw new Error(`gateway at ${url} never answered correctly: ${last}`);
}

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  incorrect: number;
  tokensUsed: number;
  tokensReused: boolean;
  firstProblem?: string;
}

async function runLoad(options: Record<string, unknown>): Promise<LoadResult> {
  const child = spawn(tsx, [join(root, 'bench/gateways/load-generator.ts'), JSON.stringify(options)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load generator exited with ${String(code)}`);
  return JSON.parse(output.trim().split('\n').pop()!) as LoadResult;
}

// --- subgraphs -------------------------------------------------------------
const urlsFile = join(work, 'subgraph-urls.json');
start(tsx, [join(root, 'bench/gateways/bench-subgraphs.ts'), urlsFile], {}, 'subgraphs');
for (let waited = 0; !existsSync(urlsFile); waited += 100) {
  if (waited > 60_000) throw new Error('bench subgraphs did not start');
  await sleep(100);
}
const subgraphUrls = JSON.parse(readFileSync(urlsFile, 'utf8')) as Record<BenchSubgraphName, string>;
const supergraphPath = join(work, 'supergraph.graphql');
writeFileSync(supergraphPath, composeBenchSupergraph(subgraphUrls));
const expected = expectedResponse();
const expectedPath = join(work, 'expected.json');
writeFileSync(expectedPath, expected.json);
const tokensPath = join(work, 'tokens.txt');
if (variants.includes('jwt')) {
  const signedAt = performance.now();
  writeFileSync(tokensPath, signBenchTokens(tokenCount).join('\n'));
  process.stderr.write(`signed ${tokenCount} distinct tokens in ${((performance.now() - signedAt) / 1000).toFixed(1)} s\n`);
}
const accountsOrigin = new URL(subgraphUrls.accounts).origin;

// --- gateways ----------------------------------------------------------------
interface GatewayUnderTest {
  label: string;
  start(port: number): ChildProcess;
}

/** Extra settings for every run of our gateway, over the variant's own (e.g. `OURS_EXTRA_ENV='{"GATEWAY_EXECUTOR":"stock"}'`). */
const extraEnvironment = process.env['OURS_EXTRA_ENV'] ? (JSON.parse(process.env['OURS_EXTRA_ENV']) as Record<string, string>) : {};

/** Our gateway (gateway/src/main.ts) with the given settings over the bench's. */
const ours = (name: string, label: string, settings: Record<string, string>): GatewayUnderTest => ({
  label,
  start: (port) =>
    start(
      tsx,
      [join(root, 'gateway/src/main.ts')],
      { ...ourGatewayEnvironment({ port, supergraphPath, accountsOrigin }), ...settings, ...extraEnvironment },
      name,
    ),
});

const gateways: Record<string, GatewayUnderTest> = {
  stock: {
    label: 'stock @apollo/gateway 2.14 + @apollo/server 5 (1 process)',
    start: (port) => start(tsx, [join(root, 'bench/gateways/stock-apollo-gateway.ts'), supergraphPath, String(port)], {}, 'stock'),
  },
  ours: ours('ours', 'GasRápido gateway (production settings, GATEWAY_WORKERS=auto: 2)', { GATEWAY_WORKERS: 'auto' }),
  'ours-1-nodedup': ours('ours-1-nodedup', 'GasRápido gateway (1 process, GATEWAY_DEDUPLICATE_FETCHES=false)', {
    ...oneProcess,
    GATEWAY_DEDUPLICATE_FETCHES: 'false',
  }),
  'ours-1-stock-executor': ours('ours-1-stock-executor', 'GasRápido gateway (1 process, GATEWAY_EXECUTOR=stock)', {
    ...oneProcess,
    GATEWAY_EXECUTOR: 'stock',
  }),
  'ours-1': ours('ours-1', 'GasRápido gateway (production settings, 1 process)', oneProcess),
  hive: {
    label: '@graphql-hive/gateway 2.15 (default: 1 worker)',
    start: (port) =>
      start(
        join(root, 'node_modules/.bin/hive-gateway'),
        ['supergraph', supergraphPath, '--host', '127.0.0.1', '--port', String(port)],
        { NODE_ENV: 'production' },
        'hive',
      ),
  },
  'hive-fork2': {
    label: '@graphql-hive/gateway 2.15 (--fork 2)',
    start: (port) =>
      start(
        join(root, 'node_modules/.bin/hive-gateway'),
        ['supergraph', supergraphPath, '--host', '127.0.0.1', '--port', String(port), '--fork', '2'],
        { NODE_ENV: 'production' },
        'hive-fork2',
      ),
  },
  'hive-router': {
    label: 'Hive Router (Rust, native)',
    start: (port) => {
      const config = join(work, 'hive-router.yaml');
      writeFileSync(
        config,
        `supergraph:\n  source: file\n  path: ${supergraphPath}\nhttp:\n  host: 127.0.0.1\n  port: ${port}\nlog:\n  level: warn\n`,
      );
      return start(hiveRouterBin!, [], { ROUTER_CONFIG_FILE_PATH: config }, 'hive-router');
    },
  },
};

// Interrupted: stop what was started (the gateways run in process groups of their own).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all(children.map((child) => stopProcess(child))).finally(() => {
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

interface Row {
  variant: string;
  gateway: string;
  result: LoadResult;
  peakRss: number;
  cpuMsPerRequest: number;
  load: string;
}
const rows: Row[] = [];
const uptime = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

try {
  for (const variant of variants) {
    const vus = variant === 'vus300' ? 300 : baseVus;
    for (const name of gatewayNames) {
      const gateway = gateways[name];
      if (gateway === undefined) throw new Error(`unknown gateway ${name}`);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/graphql`;
      const child = gateway.start(port);
      try {
        await waitUntilCorrect(url, expected.data);
        let peakRss = 0;
        const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRss(child.pid!))), 250);
        const loadBefore = uptime();
        // The measured window starts after the warm-up; CPU is read at its start and end.
        let cpuAtStart = 0;
        const windowStart = setTimeout(() => (cpuAtStart = treeCpuSeconds(child.pid!)), warmUpSeconds * 1000);
        const result = await runLoad({
          url,
          query: benchQuery,
          vus,
          warmUpSeconds,
          durationSeconds,
          expectedPath,
          ...(variant === 'jwt' ? { tokensPath } : {}),
        });
        clearInterval(sampler);
        clearTimeout(windowStart);
        const cpuMsPerRequest = ((treeCpuSeconds(child.pid!) - cpuAtStart) * 1000) / Math.max(1, result.requests);
        const row = { variant, gateway: name, result, peakRss, cpuMsPerRequest, load: `${loadBefore} → ${uptime()}` };
        rows.push(row);
        process.stderr.write(
          `${variant} ${name}: ${JSON.stringify({ ...result, peakRssMiB: Math.round(peakRss / 2 ** 20), cpuMsPerRequest })} load ${row.load}\n`,
        );
      } finally {
        await stopProcess(child);
      }
    }
  }

  // Each subgraph alone, with the bodies the gateways sent it.
  const alone: string[] = [];
  for (const name of subgraphNames) {
    const seen = (await (await fetch(`${new URL(subgraphUrls[name]).origin}/bodies`)).json()) as { bodies: string[] };
    if (seen.bodies.length === 0) continue;
    const result = await runLoad({ url: subgraphUrls[name], rawBodies: seen.bodies, vus: baseVus, warmUpSeconds: 2, durationSeconds: 5 });
    alone.push(
      `| ${name} | ${seen.bodies.length} | ${result.rps.toFixed(0)} | ${result.p50?.toFixed(2)} | ${result.p99?.toFixed(2)} | ${result.errors} |`,
    );
  }

  const ms = (value: number | null) => (value === null ? '—' : value.toFixed(1));
  let report = `\nGateway benchmark: ${warmUpSeconds} s warm-up, ${durationSeconds} s measured per gateway; response ${expected.json.length} bytes; load average (1, 5, 15 min) before → after each\n`;
  for (const variant of variants) {
    const stock = rows.find((row) => row.variant === variant && row.gateway === 'stock');
    report += `\n### ${variant === 'jwt' ? `distinct JWT per request, ${baseVus} VUs` : variant === 'vus300' ? '300 VUs' : `plain, ${baseVus} VUs`}\n\n`;
    report +=
      '| gateway | RPS | vs stock | p50 ms | p95 ms | p99 ms | CPU ms / request | vs stock | peak RSS MiB | requests | errors | incorrect | load avg |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n';
    for (const row of rows.filter((candidate) => candidate.variant === variant)) {
      const { result } = row;
      const ratio = stock === undefined ? '—' : `${(result.rps / stock.result.rps).toFixed(2)}×`;
      const cpuRatio = stock === undefined ? '—' : `${(stock.cpuMsPerRequest / row.cpuMsPerRequest).toFixed(2)}×`;
      report += `| ${gateways[row.gateway]!.label} | ${result.rps.toFixed(1)} | ${ratio} | ${ms(result.p50)} | ${ms(result.p95)} | ${ms(result.p99)} | ${row.cpuMsPerRequest.toFixed(1)} | ${cpuRatio} | ${(row.peakRss / 2 ** 20).toFixed(0)} | ${result.requests} | ${result.errors} | ${result.incorrect} | ${row.load} |\n`;
      if (result.firstProblem)
        report += `|  ↳ first problem: ${result.firstProblem.replaceAll('|', '/').replaceAll('\n', ' ').slice(0, 200)} | | | | | | | | | | | | |\n`;
      if (result.tokensReused)
        report += `|  ↳ the ${tokenCount} tokens ran out and were reused (raise --tokens) | | | | | | | | | | | | |\n`;
    }
  }
  report += `\n### each bench subgraph alone (${baseVus} VUs, 5 s, the bodies the gateways sent it, in turn)\n\n| subgraph | distinct bodies | RPS | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- | --- |\n${alone.join('\n')}\n`;
  process.stdout.write(report);
} finally {
  for (const child of children) await stopProcess(child);
  rmSync(work, { recursive: true, force: true });
}
