import type pg from 'pg';

/** One store's figures over the orders placed with it in a range. */
export interface StoreFigures {
  ordersPlaced: number;
  /** Sum of total_amount (minor units) of those orders that were delivered. */
  grossMerchandiseValue: number;
  /** Orders the store was asked to answer (order.awaiting_acceptance). */
  ordersToAnswer: number;
  accepted: number;
  /** Accepted by the store's auto-accept, without a person. */
  autoAccepted: number;
  rejected: number;
  /** Cancelled because the store let the deadline pass (STORE_DID_NOT_ANSWER). */
  unanswered: number;
  /** Median seconds from the request to a person's acceptance; null when nobody accepted by hand. */
  medianSecondsToAccept: number | null;
  /** Delivered with a promise: at or before it, and after it. */
  deliveredOnTime: number;
  deliveredLate: number;
}

export interface StoreOwner {
  storeId: string;
  supplierId: string;
  name: string;
}

type Row = Record<string, unknown>;
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** Reads store_facts and order_facts; each call is one statement over the (store_id, placed_at) index. */
export class StoreMetricsStore {
  constructor(private readonly database: Pick<pg.Pool, 'query'>) {}

  async owner(storeId: string): Promise<StoreOwner | null> {
    const { rows } = await this.database.query<Row>(
      'select store_id::text as store_id, supplier_id::text as supplier_id, name from store_facts where store_id = $1::uuid',
      [storeId],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : { storeId: String(row['store_id']), supplierId: String(row['supplier_id']), name: String(row['name']) };
  }

  async figures(storeId: string, from: Date, to: Date): Promise<StoreFigures> {
    const { rows } = await this.database.query<Row>(
      `select count(*) as placed,
              coalesce(sum(total_amount) filter (where delivered_at is not null), 0) as gmv,
              count(*) filter (where awaiting_acceptance_at is not null) as to_answer,
              count(*) filter (where accepted_at is not null) as accepted,
              count(*) filter (where accepted_at is not null and auto_accepted) as auto_accepted,
              count(*) filter (where rejected_at is not null) as rejected,
              count(*) filter (where cancel_reason = 'STORE_DID_NOT_ANSWER') as unanswered,
              percentile_cont(0.5) within group (order by extract(epoch from accepted_at - awaiting_acceptance_at))
                filter (where accepted_at is not null and not auto_accepted and awaiting_acceptance_at is not null) as median_accept,
              count(*) filter (where delivered_at is not null and promised_by is not null and delivered_at <= promised_by) as on_time,
              count(*) filter (where delivered_at is not null and promised_by is not null and delivered_at > promised_by) as late
       from order_facts where store_id = $1::uuid and placed_at >= $2 and placed_at < $3`,
      [storeId, from, to],
    );
    const row = rows[0] ?? {};
    const median = row['median_accept'];
    return {
      ordersPlaced: num(row['placed']),
      grossMerchandiseValue: num(row['gmv']),
      ordersToAnswer: num(row['to_answer']),
      accepted: num(row['accepted']),
      autoAccepted: num(row['auto_accepted']),
      rejected: num(row['rejected']),
      unanswered: num(row['unanswered']),
      medianSecondsToAccept: median === null || median === undefined ? null : Math.round(Number(median)),
      deliveredOnTime: num(row['on_time']),
      deliveredLate: num(row['late']),
    };
  }
}
