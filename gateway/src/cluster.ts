import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from '#kit';
import type { GatewaySettings, RateLimitSettings, TokenBucketRule } from './config.js';

/** GATEWAY_WORKERS as a number: `auto` is one worker per core this process may use. */
export function workerCount(setting: number | 'auto'): number {
  return setting === 'auto' ? availableParallelism() : setting;
}

/**
 * Each worker's share of the rate limits. Counters kept in memory are per
 * process, and the primary hands connections to workers in turn, so without a
 * shared store (REDIS_URL) each of N workers allows 1/N of every limit: the
 * instance as a whole keeps the configured limits. With Redis the counters are
 * shared and the limits stay as they are.
 */
export function perWorkerRateLimits(limits: RateLimitSettings, workers: number): RateLimitSettings {
  if (workers <= 1 || limits.redisUrl !== undefined) return limits;
  const share = (rule: TokenBucketRule): TokenBucketRule => ({
    capacity: Math.max(1, Math.floor(rule.capacity / workers)),
    refillPerSecond: rule.refillPerSecond / workers,
  });
  return {
    ...limits,
    user: share(limits.user),
    anonymous: share(limits.anonymous),
    subgraphDefault: limits.subgraphDefault === undefined ? undefined : share(limits.subgraphDefault),
    subgraphs: Object.fromEntries(Object.entries(limits.subgraphs).map(([name, rule]) => [name, share(rule)])),
  };
}

/** The settings one worker of `workers` runs with. */
export function workerSettings(settings: GatewaySettings, workers: number): GatewaySettings {
  return { ...settings, protection: { ...settings.protection, rateLimits: perWorkerRateLimits(settings.protection.rateLimits, workers) } };
}

/**
 * The young generation of each worker, in MiB (V8's --max-semi-space-size).
 * A gateway allocates a large short-lived object graph per request (subgraph
 * answers, merged results, the serialised response); a larger nursery lets
 * more of it die young instead of being promoted and collected again later.
 * Measured in BENCHMARKS.md; a flag given on the command line wins.
 */
const workerSemiSpaceMiB = 64;

/** A worker that dies this many times within `crashWindowMs` is not restarted again: the primary exits. */
const maxCrashes = 5;
const crashWindowMs = 60_000;

/**
 * The primary of a multi-process gateway: it forks `workers` copies of this
 * program, which share the listening port (node:cluster hands each new
 * connection to the next worker), restarts one that dies, and on SIGTERM or
 * SIGINT passes the signal on and exits once every worker has drained.
 *
 * Each worker is a whole gateway: its own query-plan cache, subgraph connection
 * pool and event-bus consumer (in a consumer group of its own, so every worker
 * receives every event and serves its own WebSocket clients).
 */
export function superviseWorkers(workers: number, logger: Logger): void {
  let stopping = false;
  const crashes: number[] = [];
  const execArgv = process.execArgv.some((flag) => flag.startsWith('--max-semi-space-size'))
    ? process.execArgv
    : [...process.execArgv, `--max-semi-space-size=${workerSemiSpaceMiB}`];
  cluster.setupPrimary({ execArgv });
  const fork = (): Worker => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('every gateway worker has stopped');
        logger.flush();
        process.exit(0);
      }
      return;
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && crashes[0]! < now - crashWindowMs) crashes.shift();
    if (crashes.length >= maxCrashes) {
      logger.fatal({ crashes: crashes.length, windowMs: crashWindowMs }, 'gateway workers keep dying: giving up');
      logger.flush();
      process.exit(1);
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'a gateway worker died: starting another');
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'stopping gateway workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let index = 0; index < workers; index += 1) fork();
  logger.info({ workers, pid: process.pid }, 'gateway primary started its workers');
}

export const isClusterPrimary = () => cluster.isPrimary;
