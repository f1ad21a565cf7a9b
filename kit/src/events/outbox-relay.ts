import pg from 'pg';
import type { Logger } from '../logger.js';
import { relayInstrumentation } from '../observability/event-instrumentation.js';
import type { ServiceTelemetry } from '../observability/telemetry.js';
import { backoffDelay, sleep } from './backoff.js';
import type { EventBus } from './event-bus.js';
import { runAsBackgroundWork } from '../background-work.js';

export interface OutboxRelayOptions {
  /** The producing subgraph's database, which holds outbox_events. */
  databaseUrl: string;
  pool: pg.Pool;
  bus: EventBus;
  logger: Logger;
  batchSize?: number;
  /** A fallback poll, in case a notification is missed (a dropped listener connection). */
  pollIntervalMs?: number;
  /** How long published rows are kept, for inspection, before they are deleted. */
  retentionMs?: number;
  /** Where the relay's metrics go (gasrapido_events_published_total, outbox backlog); its spans are traced either way. */
  telemetry?: ServiceTelemetry;
}

export interface OutboxRelay {
  /** Events written but not yet published. */
  pending(): Promise<number>;
  /** Resolves once nothing is pending, for tests and graceful shutdown. */
  drained(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

// Any constant works; one relay per database holds it at a time.
const relayLockKey = 7_311_020_118;
const notifyChannel = 'outbox_events';

interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  envelope: string;
  /** The producing request's trace context, from the envelope. */
  traceparent: string | null;
  tracestate: string | null;
}

/**
 * Publishes outbox rows to the event bus in commit order, woken by the
 * outbox trigger's NOTIFY. One instance per database relays at a time (an
 * advisory lock); the others wait as standbys, so per-key order holds with
 * any number of service instances. While the bus is down, rows wait and the
 * relay retries with back-off; nothing is skipped, so order is kept.
 */
export async function startOutboxRelay(options: OutboxRelayOptions): Promise<OutboxRelay> {
  const { pool, bus, logger } = options;
  const batchSize = options.batchSize ?? 200;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
  let stopped = false;
  let wake: (() => void) | undefined;
  /** A notification arrived since the last read of the outbox; checked so none is missed mid-batch. */
  let signalled = false;
  let lastCleanup = 0;
  const observed = relayInstrumentation(bus.kind, options.telemetry);
  const listener = new pg.Client({ connectionString: options.databaseUrl });
  listener.on('error', (error) => logger.warn({ err: error }, 'outbox listener connection failed'));

  const waitForWork = () =>
    new Promise<void>((resolve) => {
      if (signalled) {
        resolve();
        return;
      }
      const timer = setTimeout(resolve, pollIntervalMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function publishBatch(): Promise<number> {
    signalled = false;
    const { rows } = await pool.query<OutboxRow>(
      `select seq::text, topic, key, envelope::text as envelope,
              envelope->'traceContext'->>'traceparent' as traceparent, envelope->'traceContext'->>'tracestate' as tracestate
       from outbox_events
       where published_at is null order by outbox_events.seq limit $1`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    await observed.publish(rows, (messages) => bus.publish(messages));
    await pool.query('update outbox_events set published_at = now() where seq = any($1::bigint[])', [rows.map((row) => row.seq)]);
    return rows.length;
  }

  async function cleanUp(): Promise<void> {
    if (Date.now() - lastCleanup < 60_000) return;
    lastCleanup = Date.now();
    await pool.query(`delete from outbox_events where published_at < now() - make_interval(secs => $1)`, [retentionMs / 1000]);
  }

  async function run(): Promise<void> {
    await listener.connect();
    listener.on('notification', () => {
      signalled = true;
      wake?.();
    });
    await listener.query(`listen ${notifyChannel}`);
    // Standby until this instance holds the relay lock.
    while (!stopped) {
      const { rows } = await listener.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [relayLockKey]);
      if (rows[0]?.locked) break;
      await waitForWork();
    }
    let failures = 0;
    while (!stopped) {
      try {
        const published = await publishBatch();
        failures = 0;
        if (published === batchSize) continue;
        await cleanUp();
      } catch (error) {
        failures += 1;
        const delay = backoffDelay(failures, 100, 5_000);
        if (failures === 1 || failures % 20 === 0) {
          logger.warn({ err: error, failures, retryInMs: delay }, 'outbox relay could not publish; events wait and will be retried');
        }
        await sleep(delay);
        continue;
      }
      await waitForWork();
    }
  }

  const running = runAsBackgroundWork('outbox relay', run).catch((error: unknown) => {
    if (!stopped) logger.error({ err: error }, 'outbox relay stopped unexpectedly');
  });

  const pending = () => runAsBackgroundWork('outbox relay', countPending);
  const countPending = async () => {
    const { rows } = await pool.query<{ count: string }>('select count(*)::text as count from outbox_events where published_at is null');
    return Number(rows[0]?.count ?? 0);
  };
  const stopObservingPending = observed.observePending(pending);

  return {
    pending,
    async drained(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await pending()) > 0) {
        if (Date.now() > deadline) throw new Error('outbox not drained in time');
        await sleep(20);
      }
    },
    async stop() {
      stopped = true;
      stopObservingPending();
      wake?.();
      await running;
      await listener.end().catch(() => {});
    },
  };
}
