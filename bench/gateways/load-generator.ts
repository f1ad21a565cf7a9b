// A closed-model load generator, in a process of its own: `vus` virtual users,
// each sending the next request as soon as its previous one returned (like k6's
// constant virtual users). A warm-up runs first and is not counted; then every
// response of the measured window is checked against the expected answer.
//
//   npx tsx bench/gateways/load-generator.ts '<json options>'
//
// Prints one JSON line with the results.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Pool } from 'undici';

interface Options {
  url: string;
  /** The operation sent, checked against `expectedPath`… */
  query?: string;
  /** …or raw request bodies sent in turn, unchecked (a subgraph measured alone). */
  rawBodies?: string[];
  vus: number;
  warmUpSeconds: number;
  durationSeconds: number;
  /** A file of the expected `{"data":…}` JSON. */
  expectedPath?: string;
  /** A file of newline-separated tokens: each request carries the next one. */
  tokensPath?: string;
}

const options = JSON.parse(process.argv[2]!) as Options;
const expectedJson = options.expectedPath === undefined ? undefined : readFileSync(options.expectedPath, 'utf8');
const expected = expectedJson === undefined ? undefined : (JSON.parse(expectedJson) as unknown);
const tokens = options.tokensPath === undefined ? undefined : readFileSync(options.tokensPath, 'utf8').split('\n').filter(Boolean);
const url = new URL(options.url);
const bodies = options.rawBodies ?? [JSON.stringify({ query: options.query, operationName: 'BenchDeepCatalog' })];
let nextBody = 0;
const pool = new Pool(url.origin, { connections: options.vus, pipelining: 1, keepAliveTimeout: 60_000 });

/** Byte-identical answers already found correct (gateways differ only in what they add, e.g. extensions). */
const correctTexts = new Set<string>(expectedJson === undefined ? [] : [expectedJson]);
function isCorrect(text: string): boolean {
  if (expected === undefined || correctTexts.has(text)) return true;
  let parsed: { data?: unknown; errors?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return false;
  }
  const ok = parsed.errors === undefined && isDeepStrictEqual({ data: parsed.data }, expected);
  if (ok && correctTexts.size < 16) correctTexts.add(text);
  return ok;
}

let nextToken = 0;
let tokensReused = 0;
let measuring = false;
let stopped = false;
const latencies: number[] = [];
let errors = 0;
let incorrect = 0;
let firstProblem: string | undefined;

async function virtualUser(): Promise<void> {
  while (!stopped) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (tokens !== undefined) {
      if (nextToken >= tokens.length) {
        nextToken = 0;
        tokensReused += 1;
      }
      headers['authorization'] = `Bearer ${tokens[nextToken++]}`;
    }
    const startedAt = performance.now();
    try {
      const body = bodies[nextBody++ % bodies.length];
      const response = await pool.request({ path: url.pathname, method: 'POST', headers, body });
      const text = await response.body.text();
      const elapsed = performance.now() - startedAt;
      // Throughput counts the responses completed inside the measured window, as k6 does.
      if (!measuring) continue;
      if (response.statusCode !== 200) {
        errors += 1;
        firstProblem ??= `HTTP ${response.statusCode}: ${text.slice(0, 300)}`;
      } else if (!isCorrect(text)) {
        incorrect += 1;
        firstProblem ??= `incorrect: ${text.slice(0, 300)}`;
      }
      latencies.push(elapsed);
    } catch (error) {
      if (measuring) {
        errors += 1;
        firstProblem ??= String(error);
      }
    }
  }
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

const users = Array.from({ length: options.vus }, () => virtualUser());
await new Promise((resolve) => setTimeout(resolve, options.warmUpSeconds * 1000));
measuring = true;
const measuredFrom = performance.now();
await new Promise((resolve) => setTimeout(resolve, options.durationSeconds * 1000));
measuring = false;
const measuredMs = performance.now() - measuredFrom;
stopped = true;
await Promise.all(users);
await pool.close();
const sorted = Float64Array.from(latencies).sort();
process.stdout.write(
  `${JSON.stringify({
    requests: latencies.length,
    rps: latencies.length / (measuredMs / 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    errors,
    incorrect,
    tokensUsed: tokens === undefined ? 0 : tokensReused * tokens.length + nextToken,
    tokensReused: tokensReused > 0,
    firstProblem,
  })}\n`,
);
