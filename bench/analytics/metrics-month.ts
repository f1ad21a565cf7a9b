// How fast analytics answers metrics over a month at minute granularity, on a month of data.
// The fact tables are filled directly (as the ingest consumer would leave them) on an embedded
// PostgreSQL with analytics' own migrations; then MetricsStore.metrics() — the code behind
// Query.businessMetrics — runs for the whole platform and for one supplier, at MINUTE, HOUR
// and DAY granularity.
//
//   npx tsx bench/analytics/metrics-month.ts [ordersPerMinute=20] [suppliers=200] [runs=7]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, databaseUrl, ensureDatabase, openDatabase, readServiceMigrations } from '#kit';
import { startEmbeddedPostgres } from '../../platform/src/embedded-postgres.js';
import { AnalyticsDatabase } from '../../subgraphs/analytics/src/database.js';
import { MetricsStore } from '../../subgraphs/analytics/src/metrics/metrics-store.js';
import type { Granularity, MetricsQuery } from '../../subgraphs/analytics/src/metrics/metrics-input.js';
import { freePort } from '../../test/support/free-port.js';
import { percentile } from '../support/bench-platform.js';

const ordersPerMinute = Number(process.argv[2] ?? 20);
const suppliers = Number(process.argv[3] ?? 200);
const runs = Number(process.argv[4] ?? 7);
const MONTH_START = new Date('2026-10-01T00:00:00Z');
const MONTH_END = new Date('2026-10-31T00:00:00Z');
const minutes = (MONTH_END.getTime() - MONTH_START.getTime()) / 60_000;

/** Numbers to 9 significant digits, so a sum added up in another order compares equal. */
const round = (value: unknown): unknown =>
  typeof value === 'number'
    ? Number(value.toPrecision(9))
    : Array.isArray(value)
      ? value.map(round)
      : value instanceof Date
        ? value.toISOString()
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, round(inner)]))
          : value;

const dataDirectory = mkdtempSync(join(tmpdir(), 'gasrapido-bench-analytics-'));
const postgres = await startEmbeddedPostgres({ dataDirectory, port: await freePort(), ephemeral: true });
try {
  await ensureDatabase(postgres.serverUrl, 'bench_analytics');
  const url = databaseUrl(postgres.serverUrl, 'bench_analytics');
  await applyMigrations(url, await readServiceMigrations('analytics'));
  const database = openDatabase(AnalyticsDatabase, { url });
  const sql = (text: string) => database.pool.query(text);

  const loading = performance.now();
  // Filled in bulk with the rollup triggers off, then the rollups rebuilt from the facts by the
  // statement the metrics_rollups migration runs for existing data.
  await sql(
    'alter table order_facts disable trigger order_facts_rollup; alter table payment_outcomes disable trigger payment_outcomes_rollup',
  );
  // Orders spread evenly over the month; suppliers, products (10 per supplier) and couriers
  // (500) drawn from the row number; 1 in 10 cancelled, the others delivered 20–80 minutes
  // after confirmation.
  await sql(`
    insert into order_facts (order_id, customer_id, supplier_id, total_amount, currency, payment_method, cylinder_count,
                             placed_at, confirmed_at, courier_id, courier_assigned_at, in_transit_at, delivered_at, cancelled_at)
    select md5('o' || n)::uuid, md5('c' || (n % 50000))::uuid, md5('s' || (n % ${suppliers}))::uuid, 11000 + (n % 7) * 500, 'BRL', 'CARD', 1 + n % 3,
           t, t + interval '3 minutes',
           case when n % 10 = 9 then null else md5('k' || (n % 500))::uuid end,
           case when n % 10 = 9 then null else t + interval '5 minutes' end,
           case when n % 10 = 9 then null else t + interval '6 minutes' end,
           case when n % 10 = 9 then null else t + interval '3 minutes' + (20 + n % 61) * interval '1 minute' end,
           case when n % 10 = 9 then t + interval '10 minutes' else null end
    from (select n, '${MONTH_START.toISOString()}'::timestamptz + (n * interval '60 seconds') / ${ordersPerMinute} as t
          from generate_series(0, ${minutes * ordersPerMinute - 1}) as n) s`);
  // Ten products per supplier; each order has one line.
  await sql(`insert into order_item_facts (order_id, product_id, quantity, line_total_amount, supplier_id, delivered_at)
             select order_id, md5('p' || (('x' || substr(order_id::text, 1, 4))::bit(16)::int % 10) || supplier_id::text)::uuid, cylinder_count, total_amount,
                    supplier_id, delivered_at from order_facts`);
  await sql(`insert into payment_outcomes (event_id, payment_id, order_id, supplier_id, succeeded, amount, at)
             select md5('e' || order_id::text)::uuid, md5('y' || order_id::text)::uuid, order_id, supplier_id, true, total_amount, placed_at + interval '1 minute' from order_facts`);
  await sql(`insert into payment_outcomes (event_id, payment_id, order_id, supplier_id, succeeded, amount, at)
             select md5('f' || order_id::text)::uuid, md5('y' || order_id::text)::uuid, order_id, null, false, null, placed_at + interval '30 seconds'
             from order_facts where ('x' || substr(order_id::text, 1, 2))::bit(8)::int % 8 = 0`);
  await sql('select rebuild_metrics_rollups()');
  await sql(
    'alter table order_facts enable trigger order_facts_rollup; alter table payment_outcomes enable trigger payment_outcomes_rollup',
  );
  await sql('vacuum analyze');
  const loadSeconds = (performance.now() - loading) / 1000;
  const counts = (
    await sql(`select (select count(*) from order_facts) as orders, (select count(*) from payment_outcomes) as payments,
                                    (select count(*) from order_item_facts) as items,
                                    (select count(*) from metrics_minute_rollups) as rollups, pg_size_pretty(pg_database_size(current_database())) as size`)
  ).rows[0];
  console.log(
    `data: ${counts.orders} orders, ${counts.items} order lines, ${counts.payments} payment outcomes, ${counts.rollups} minute rollup rows over ${minutes / 1440} days (${counts.size}); loaded in ${loadSeconds.toFixed(0)} s`,
  );

  const store = new MetricsStore(database.pool, 1_000);
  const supplierId = (await sql(`select md5('s1')::uuid as id`)).rows[0].id as string;
  const cases: Array<{ label: string; query: MetricsQuery }> = [];
  for (const granularity of ['MINUTE', 'HOUR', 'DAY'] as Granularity[]) {
    cases.push({
      label: `platform, ${granularity}`,
      query: { from: MONTH_START, to: MONTH_END, granularity, supplierId: null, topProducts: 10 },
    });
    cases.push({
      label: `one supplier, ${granularity}`,
      query: { from: MONTH_START, to: MONTH_END, granularity, supplierId, topProducts: 10 },
    });
  }
  console.log('| query (30 days) | buckets | runs | p50 ms | min ms | max ms |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const { label, query } of cases) {
    const times: number[] = [];
    let buckets = 0;
    await store.metrics(query); // warm-up: plans and pages cached
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      const result = await store.metrics(query);
      times.push(performance.now() - started);
      buckets = result.series.length;
    }
    // The answer must be the one the fact tables give (averages to float rounding).
    const expected = JSON.stringify(round(await store.metrics(query, 'facts')));
    if (JSON.stringify(round(await store.metrics(query))) !== expected) throw new Error(`${label}: the rollups disagree with the facts`);
    console.log(
      `| ${label} | ${buckets} | ${runs} | ${percentile(times, 50).toFixed(0)} | ${Math.min(...times).toFixed(0)} | ${Math.max(...times).toFixed(0)} |`,
    );
  }
  await database.close();
} finally {
  await postgres.stop();
  rmSync(dataDirectory, { recursive: true, force: true });
}
