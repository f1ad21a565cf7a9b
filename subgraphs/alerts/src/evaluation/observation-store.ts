import type { AlertsTransaction } from '../database.js';

/**
 * What the rules are judged on: the facts alerts keeps from other domains' events and from the
 * dead-letter topic, and the counts the conditions read from them. Every write is idempotent,
 * so a replayed event or message records nothing twice.
 */

type Row = Record<string, unknown>;
/** Orders older than this are not watched any more: a lost event must not keep an alert open forever. */
const ORDER_LOOKBACK = "interval '7 days'";

export type OrderMilestone = 'created_at' | 'confirmed_at' | 'delivered_at' | 'cancelled_at';

export interface StockFact {
  productId: string;
  supplierId: string;
  /** Null: keep the name known. */
  name: string | null;
  quantity: number;
  /** Null: keep the state known (true for a product first heard of). */
  active: boolean | null;
}

export interface DeadLetter {
  partition: number;
  offset: string;
  consumer: string;
  originalTopic: string;
  reason: string;
}

export const recordPaymentOutcome = (tx: AlertsTransaction, eventId: string, succeeded: boolean, at: string) =>
  tx.$executeRawUnsafe(
    'insert into payment_observations (event_id, succeeded, at) values ($1::uuid, $2, $3::timestamptz) on conflict do nothing',
    eventId,
    succeeded,
    at,
  );

/** Records when an order reached a milestone; the first time heard wins. */
export const recordOrderMilestone = (tx: AlertsTransaction, milestone: OrderMilestone, orderId: string, at: string) =>
  tx.$executeRawUnsafe(
    `insert into order_watch (order_id, ${milestone}) values ($1::uuid, $2::timestamptz)
     on conflict (order_id) do update set ${milestone} = coalesce(order_watch.${milestone}, excluded.${milestone})`,
    orderId,
    at,
  );

/**
 * Records the delivery promise (and the store) of an order; the first promise heard wins, as
 * order.accepted and order.confirmed carry the same one.
 */
export const recordOrderPromise = (tx: AlertsTransaction, orderId: string, promisedBy: string | null, storeId: string | null) =>
  tx.$executeRawUnsafe(
    `insert into order_watch (order_id, promised_by, store_id) values ($1::uuid, $2::timestamptz, $3::uuid)
     on conflict (order_id) do update set promised_by = coalesce(order_watch.promised_by, excluded.promised_by),
       store_id = coalesce(order_watch.store_id, excluded.store_id)`,
    orderId,
    promisedBy,
    storeId,
  );

/** Marks an order cancelled because its store did not answer in time. */
export const recordUnanswered = (tx: AlertsTransaction, orderId: string) =>
  tx.$executeRawUnsafe(
    `insert into order_watch (order_id, unanswered) values ($1::uuid, true)
     on conflict (order_id) do update set unanswered = true`,
    orderId,
  );

export const recordCourierMiss = (tx: AlertsTransaction, eventId: string, orderId: string, at: string) =>
  tx.$executeRawUnsafe(
    'insert into courier_misses (event_id, order_id, at) values ($1::uuid, $2::uuid, $3::timestamptz) on conflict do nothing',
    eventId,
    orderId,
    at,
  );

export const recordStock = (tx: AlertsTransaction, fact: StockFact, at: string) =>
  // Only a newer fact replaces an older one, whatever order the events arrive in.
  tx.$executeRawUnsafe(
    `insert into stock_levels (product_id, supplier_id, name, quantity, active, updated_at) values ($1::uuid, $2::uuid, $3, $4, coalesce($5, true), $6::timestamptz)
     on conflict (product_id) do update set name = coalesce(excluded.name, stock_levels.name), quantity = excluded.quantity,
       active = coalesce($5, stock_levels.active), updated_at = excluded.updated_at
     where stock_levels.updated_at <= excluded.updated_at`,
    fact.productId,
    fact.supplierId,
    fact.name,
    fact.quantity,
    fact.active,
    at,
  );

export const recordProductGone = (tx: AlertsTransaction, productId: string) =>
  tx.$executeRawUnsafe('update stock_levels set active = false where product_id = $1::uuid', productId);

/** Records a dead-lettered message once, by its position on the topic; the number of rows inserted (0: already known). */
export const recordDeadLetter = (tx: AlertsTransaction, letter: DeadLetter): Promise<number> =>
  tx.$executeRawUnsafe(
    'insert into dead_letters (partition, "offset", consumer, original_topic, reason) values ($1, $2, $3, $4, $5) on conflict do nothing',
    letter.partition,
    letter.offset,
    letter.consumer,
    letter.originalTopic,
    letter.reason,
  );

const count = async (tx: AlertsTransaction, sql: string, ...values: unknown[]): Promise<number> => {
  const [row] = await tx.$queryRawUnsafe<Row[]>(sql, ...values);
  return Number(row?.['n'] ?? 0);
};

/** Payments observed in (from, to]. */
export async function paymentOutcomes(tx: AlertsTransaction, from: Date, to: Date): Promise<{ total: number; failed: number }> {
  const [row] = await tx.$queryRawUnsafe<Row[]>(
    'select count(*)::int as total, count(*) filter (where not succeeded)::int as failed from payment_observations where at > $1 and at <= $2',
    from,
    to,
  );
  return { total: Number(row?.['total'] ?? 0), failed: Number(row?.['failed'] ?? 0) };
}

/** Open orders created at or before `createdBy` (and within the lookback of `now`) and not confirmed. */
export const unconfirmedOrders = (tx: AlertsTransaction, createdBy: Date, now: Date) =>
  count(
    tx,
    `select count(*)::int as n from order_watch where confirmed_at is null and cancelled_at is null and created_at <= $1 and created_at > $2::timestamptz - ${ORDER_LOOKBACK}`,
    createdBy,
    now,
  );

/**
 * Open orders late at `now` (within the lookback) and neither delivered nor cancelled: those
 * promised by a time now past, and those without a promise (placed before stores) confirmed at
 * or before `confirmedBy`.
 */
export const lateOrders = (tx: AlertsTransaction, confirmedBy: Date, now: Date) =>
  count(
    tx,
    `select count(*)::int as n from order_watch where delivered_at is null and cancelled_at is null and (
       (promised_by is null and confirmed_at <= $1 and confirmed_at > $2::timestamptz - ${ORDER_LOOKBACK})
       or (promised_by < $2 and promised_by > $2::timestamptz - ${ORDER_LOOKBACK}))`,
    confirmedBy,
    now,
  );

/**
 * Per store, the orders cancelled in (from, to] because the store did not answer; the stores
 * named in `alsoStoreIds` (an alert open) are read too, at 0 when they had none, so they may clear.
 */
export async function unansweredByStore(
  tx: AlertsTransaction,
  from: Date,
  to: Date,
  alsoStoreIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await tx.$queryRawUnsafe<Row[]>(
    `select store_id::text as key, count(*)::int as n from order_watch
     where unanswered and store_id is not null and cancelled_at > $1 and cancelled_at <= $2 group by store_id`,
    from,
    to,
  );
  const counts = new Map<string, number>(alsoStoreIds.map((storeId) => [storeId, 0]));
  for (const row of rows) counts.set(String(row['key']), Number(row['n']));
  return counts;
}

export const courierMisses = (tx: AlertsTransaction, from: Date, to: Date) =>
  count(tx, 'select count(*)::int as n from courier_misses where at > $1 and at <= $2', from, to);

export const deadLetters = (tx: AlertsTransaction, from: Date, to: Date) =>
  count(tx, 'select count(*)::int as n from dead_letters where at > $1 and at <= $2', from, to);

export interface StockLevel {
  productId: string;
  name: string | null;
  quantity: number;
  active: boolean;
}

/** Active products at or below `threshold`, and the products named in `alsoProductIds` whatever their level. */
export async function lowStock(tx: AlertsTransaction, threshold: number, alsoProductIds: readonly string[]): Promise<StockLevel[]> {
  const rows = await tx.$queryRawUnsafe<Row[]>(
    'select product_id::text as key, name, quantity, active from stock_levels where (active and quantity <= $1) or product_id::text = any($2::text[])',
    threshold,
    [...alsoProductIds],
  );
  return rows.map((row) => ({
    productId: String(row['key']),
    name: row['name'] as string | null,
    quantity: Number(row['quantity']),
    active: Boolean(row['active']),
  }));
}
