import type pg from 'pg';
import { granularitySeconds, type MetricsQuery } from './metrics-input.js';

/** Buckets are aligned on this instant: whole UTC minutes, hours and days. */
const ORIGIN = '2000-01-01T00:00:00Z';

export interface Figures {
  ordersPlaced: number;
  ordersDelivered: number;
  grossMerchandiseValue: number;
  platformRevenue: number;
  averageDeliverySeconds: number | null;
  p90DeliverySeconds: number | null;
  paymentsSucceeded: number;
  paymentsFailed: number;
  paymentSuccessRate: number | null;
}

export interface Metrics {
  totals: Figures;
  series: Array<{ start: Date; figures: Figures }>;
  topProducts: Array<{ productId: string; name: string | null; quantity: number; revenue: number }>;
  courierUtilisation: { activeCouriers: number; busySeconds: number; utilisation: number | null };
}

type Row = Record<string, unknown>;
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const maybe = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** The part of a pg pool the queries need: plain SQL, rows as objects (no ORM mapping of 43,200 rows). */
export type Queryable = Pick<pg.Pool, 'connect'>;

const WORK_MEM = '32MB';

/** The supplier id of the platform's own rollup rows. */
const PLATFORM = '00000000-0000-0000-0000-000000000000';

/**
 * The metrics queries. Each reads one fact table over [from, to) once, through a covering
 * index, and groups by bucket (date_bin) with a grouping set for the whole range, so one scan
 * gives both the series and the totals (p90 included), and a month of minutes returns
 * aggregates only.
 */
export class MetricsStore {
  constructor(
    private readonly database: Queryable,
    private readonly commissionBasisPoints: number,
  ) {}

  /**
   * `source: 'facts'` reads the fact tables even for whole minutes: the reference the rollups
   * are checked against (tests, bench).
   */
  async metrics(query: MetricsQuery, source: 'auto' | 'facts' = 'auto'): Promise<Metrics> {
    // Whole-minute ranges (every range the API is asked in practice) read the minute rollups;
    // a range cut inside a minute reads the facts, whose times are exact.
    const rolledUp = source === 'auto' && query.from.getTime() % 60_000 === 0 && query.to.getTime() % 60_000 === 0;
    const [placed, delivered, payments, topProducts, couriers] = rolledUp
      ? await Promise.all([
          this.rollups(query),
          this.p90(query),
          this.topProducts(query, query.topProducts),
          this.courierUtilisation(query),
        ]).then(([sums, p90, products, utilisation]) => {
          const withP90: Row[] = sums.map((row) => ({ ...row, p90_seconds: p90.get(row['bucket'] as number | null) ?? null }));
          return [sums, withP90, sums, products, utilisation] as [Row[], Row[], Row[], typeof products, typeof utilisation];
        })
      : await Promise.all([
          this.placed(query),
          this.delivered(query),
          this.payments(query),
          this.topProducts(query, query.topProducts),
          this.courierUtilisation(query),
        ]);
    // The grouping set () is the row whose bucket is null: the totals over the whole range.
    const total = (rows: Row[]) => rows.find((row) => row['bucket'] === null);
    if (placed === payments) {
      // The rollups: one row per bucket with every figure, in bucket order.
      const series = delivered
        .filter((row) => row['bucket'] !== null)
        .sort((a, b) => (a['bucket'] as number) - (b['bucket'] as number))
        .map((row) => ({ start: new Date((row['bucket'] as number) * 1000), figures: this.figures(row, row, row) }));
      const sums = total(delivered);
      return { totals: this.figures(sums, sums, sums), series, topProducts, courierUtilisation: couriers };
    }
    const totals = this.figures(total(placed), total(delivered), total(payments));
    const buckets = new Map<number, { placed?: Row; delivered?: Row; payments?: Row }>();
    const slot = (row: Row) => {
      const key = (row['bucket'] as number) * 1000;
      const entry = buckets.get(key) ?? {};
      buckets.set(key, entry);
      return entry;
    };
    for (const row of placed) if (row['bucket'] !== null) slot(row).placed = row;
    for (const row of delivered) if (row['bucket'] !== null) slot(row).delivered = row;
    for (const row of payments) if (row['bucket'] !== null) slot(row).payments = row;
    const series = [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, rows]) => ({ start: new Date(start), figures: this.figures(rows.placed, rows.delivered, rows.payments) }));
    return { totals, series, topProducts, courierUtilisation: couriers };
  }

  /** Revenue is the commission on GMV, rounded down to a whole centavo. */
  revenueOf(grossMerchandiseValue: number): number {
    return Math.floor((grossMerchandiseValue * this.commissionBasisPoints) / 10_000);
  }

  private figures(placed: Row | undefined, delivered: Row | undefined, payments: Row | undefined): Figures {
    const gmv = num(delivered?.['gmv']);
    const succeeded = num(payments?.['succeeded']);
    const failed = num(payments?.['failed']);
    return {
      ordersPlaced: num(placed?.['placed']),
      ordersDelivered: num(delivered?.['delivered']),
      grossMerchandiseValue: gmv,
      platformRevenue: this.revenueOf(gmv),
      averageDeliverySeconds: maybe(delivered?.['average_seconds']),
      p90DeliverySeconds: maybe(delivered?.['p90_seconds']),
      paymentsSucceeded: succeeded,
      paymentsFailed: failed,
      paymentSuccessRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
    };
  }

  /** `select <bucket>, …` and `group by grouping sets ((bucket), ())`: buckets and the range's total in one scan. */
  private bucket(query: MetricsQuery, column: string): { select: string; group: string } {
    return {
      // Epoch seconds, not timestamptz: parsing 43,200 dates per statement costs more than the query.
      select: `extract(epoch from date_bin('${granularitySeconds[query.granularity]} seconds'::interval, ${column}, '${ORIGIN}'::timestamptz))::float8 as bucket, `,
      group: ' group by grouping sets ((1), ())',
    };
  }

  /**
   * One read-only statement with room to sort and hash in memory (the default 4 MB spills a
   * month of deliveries to disk).
   */
  private async rows(text: string, values: unknown[]): Promise<Row[]> {
    const client = await this.database.connect();
    try {
      await client.query(`begin read only; set local work_mem = '${WORK_MEM}'`);
      const result = await client.query(text, values);
      await client.query('commit');
      return result.rows as Row[];
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Every additive figure from metrics_minute_rollups: the platform's row per minute (the nil
   * uuid) or the supplier's, over whole minutes, re-binned for hours and days. Minutes whose
   * figures cancelled out to nothing are left out, like minutes with no facts.
   */
  private async rollups(query: MetricsQuery): Promise<Row[]> {
    const range = `from metrics_minute_rollups where supplier_id = $3::uuid and bucket >= $1 and bucket < $2`;
    const values = [query.from, query.to, query.supplierId ?? PLATFORM];
    const active = '(orders_placed <> 0 or orders_delivered <> 0 or payments_succeeded <> 0 or payments_failed <> 0)';
    if (query.granularity !== 'MINUTE') {
      // Sums as float8 (integral values, exact below 2^53): numeric additions cost more than the scan.
      const { select, group } = this.bucket(query, 'bucket');
      return this.rows(
        `select ${select}sum(orders_placed)::int as placed, sum(orders_delivered)::int as delivered, sum(gmv::float8) as gmv,
                sum(delivery_ms_sum::float8) / nullif(sum(delivery_count), 0) / 1000 as average_seconds,
                sum(payments_succeeded)::int as succeeded, sum(payments_failed)::int as failed
         ${range} and ${active}${group}`,
        values,
      );
    }
    // A minute is one row already: no grouping, and the range's total is added up here. The
    // minutes travel as one JSON array of arrays: parsing 43,200 rows field by field in the pg
    // driver costs more than the query.
    const [result] = await this.rows(
      `select coalesce(json_agg(json_build_array(extract(epoch from bucket)::float8, orders_placed, orders_delivered, gmv,
                                                 delivery_ms_sum, delivery_count, payments_succeeded, payments_failed) order by bucket), '[]')::text as minutes
       ${range} and ${active}`,
      values,
    );
    const minutes = JSON.parse(result!['minutes'] as string) as number[][];
    const average = (ms: number, count: number) => (count === 0 ? null : ms / count / 1000);
    const total = { placed: 0, delivered: 0, gmv: 0, ms: 0, count: 0, succeeded: 0, failed: 0 };
    const rows: Row[] = minutes.map(([bucket, placed, delivered, gmv, ms, count, succeeded, failed]) => {
      total.placed += placed!;
      total.delivered += delivered!;
      total.gmv += gmv!;
      total.ms += ms!;
      total.count += count!;
      total.succeeded += succeeded!;
      total.failed += failed!;
      return { bucket, placed, delivered, gmv, average_seconds: average(ms!, count!), succeeded, failed };
    });
    rows.push({
      bucket: null,
      placed: total.placed,
      delivered: total.delivered,
      gmv: total.gmv,
      average_seconds: average(total.ms, total.count),
      succeeded: total.succeeded,
      failed: total.failed,
    });
    return rows;
  }

  /**
   * p90 of delivery time cannot be added up from minutes: it is read from the facts (one
   * index-only range scan of order_facts_delivered_cover), per bucket for hours and days, over
   * the range only for minutes.
   */
  private async p90(query: MetricsQuery): Promise<Map<number | null, unknown>> {
    const seconds = 'extract(epoch from delivered_at - confirmed_at)::float8';
    const { select, group } =
      query.granularity === 'MINUTE' ? { select: 'null::float8 as bucket, ', group: '' } : this.bucket(query, 'delivered_at');
    const rows = await this.rows(
      `select ${select}percentile_cont(0.9) within group (order by ${seconds}) as p90_seconds from order_facts
       where delivered_at >= $1 and delivered_at < $2 and confirmed_at is not null and ($3::uuid is null or supplier_id = $3::uuid)${group}`,
      [query.from, query.to, query.supplierId],
    );
    return new Map(rows.map((row) => [row['bucket'] as number | null, row['p90_seconds']]));
  }

  private placed(query: MetricsQuery): Promise<Row[]> {
    const { select, group } = this.bucket(query, 'placed_at');
    return this.rows(
      `select ${select}count(*)::int as placed from order_facts
       where placed_at >= $1 and placed_at < $2 and ($3::uuid is null or supplier_id = $3::uuid)${group}`,
      [query.from, query.to, query.supplierId],
    );
  }

  private async delivered(query: MetricsQuery): Promise<Row[]> {
    const seconds = 'extract(epoch from delivered_at - confirmed_at)::float8';
    const range = `from order_facts where delivered_at >= $1 and delivered_at < $2 and ($3::uuid is null or supplier_id = $3::uuid)`;
    const { select, group } = this.bucket(query, 'delivered_at');
    // Counts, sums and averages hash-aggregate in one pass. The p90 needs its values sorted:
    // per bucket for hours and days, over the range only for minutes (a minute holds a handful
    // of deliveries, whose p90 says nothing, and sorting 43,200 groups is what costs).
    const percentileGroup = query.granularity === 'MINUTE' ? { select: 'null::float8 as bucket, ', group: '' } : { select, group };
    const [sums, percentiles] = await Promise.all([
      this.rows(
        `select ${select}count(*)::int as delivered, coalesce(sum(total_amount), 0)::float8 as gmv,
                        avg(${seconds}) filter (where confirmed_at is not null) as average_seconds ${range}${group}`,
        [query.from, query.to, query.supplierId],
      ),
      this.rows(
        `select ${percentileGroup.select}percentile_cont(0.9) within group (order by ${seconds}) filter (where confirmed_at is not null) as p90_seconds
                 ${range}${percentileGroup.group}`,
        [query.from, query.to, query.supplierId],
      ),
    ]);
    const p90 = new Map(percentiles.map((row) => [row['bucket'] as number | null, row['p90_seconds']]));
    return sums.map((row) => ({ ...row, p90_seconds: p90.get(row['bucket'] as number | null) ?? null }));
  }

  private payments(query: MetricsQuery): Promise<Row[]> {
    const { select, group } = this.bucket(query, 'p.at');
    // payment.failed does not name the supplier; the order's fact row does.
    const scope = query.supplierId === null ? '' : ' and coalesce(p.supplier_id, o.supplier_id) = $3::uuid';
    const join = query.supplierId === null ? '' : ' left join order_facts o on o.order_id = p.order_id';
    return this.rows(
      `select ${select}count(*) filter (where p.succeeded)::int as succeeded, count(*) filter (where not p.succeeded)::int as failed
       from payment_outcomes p${join}
       where p.at >= $1 and p.at < $2${scope}${group}`,
      [query.from, query.to, ...(query.supplierId === null ? [] : [query.supplierId])],
    );
  }

  async topProducts(query: Pick<MetricsQuery, 'from' | 'to' | 'supplierId'>, limit: number): Promise<Metrics['topProducts']> {
    // Lines carry their order's delivery time and supplier: one covering index over the range, names for the top few only.
    const rows = await this.rows(
      `select top.product_id, p.name, top.quantity, top.revenue from (
         select product_id, sum(quantity)::int as quantity, sum(line_total_amount)::float8 as revenue from order_item_facts
         where delivered_at >= $1 and delivered_at < $2 and ($3::uuid is null or supplier_id = $3::uuid)
         group by product_id order by quantity desc, revenue desc, product_id limit $4) top
       left join product_facts p on p.product_id = top.product_id
       order by top.quantity desc, top.revenue desc, top.product_id`,
      [query.from, query.to, query.supplierId, limit],
    );
    return rows.map((row) => ({
      productId: String(row['product_id']),
      name: (row['name'] as string | null) ?? null,
      quantity: num(row['quantity']),
      revenue: num(row['revenue']),
    }));
  }

  private async courierUtilisation(query: MetricsQuery): Promise<Metrics['courierUtilisation']> {
    // Grouping by courier first hash-aggregates a few hundred couriers instead of sorting every delivery for count(distinct).
    const [row] = await this.rows(
      `select count(*)::int as couriers, coalesce(sum(busy), 0)::float8 as busy from (
         select courier_id, sum(extract(epoch from delivered_at - coalesce(courier_assigned_at, in_transit_at))) as busy from order_facts
         where delivered_at >= $1 and delivered_at < $2 and courier_id is not null and ($3::uuid is null or supplier_id = $3::uuid)
         group by courier_id) per_courier`,
      [query.from, query.to, query.supplierId],
    );
    const activeCouriers = num(row?.['couriers']);
    const busySeconds = num(row?.['busy']);
    const rangeSeconds = (query.to.getTime() - query.from.getTime()) / 1000;
    return {
      activeCouriers,
      busySeconds,
      utilisation: activeCouriers === 0 ? null : Math.min(1, busySeconds / (activeCouriers * rangeSeconds)),
    };
  }
}
