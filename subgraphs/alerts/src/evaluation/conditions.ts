import type { AlertRuleRow, AlertsTransaction } from '../database.js';

/** A condition's value for one key of a rule; null when there is not enough data to judge (nothing changes). */
export interface Reading {
  value: number | null;
  /** What the key is, in words, for the summary (a product's name). */
  label?: string;
}

type Row = Record<string, unknown>;
/** Orders older than this are not watched any more: a lost event must not keep an alert open forever. */
const ORDER_LOOKBACK = "interval '7 days'";

const count = async (tx: AlertsTransaction, sql: string, ...values: unknown[]): Promise<number> => {
  const [row] = await tx.$queryRawUnsafe<Row[]>(sql, ...values);
  return Number(row?.['n'] ?? 0);
};

/**
 * The value of a rule's condition at `now`, per key: '' for the rate and count kinds, each
 * product for LOW_STOCK (the products at or below the threshold, and those with an alert open,
 * which are the ones that may clear).
 */
export async function readCondition(
  tx: AlertsTransaction,
  rule: AlertRuleRow,
  now: Date,
  openKeys: readonly string[],
  minimumPayments: number,
): Promise<Map<string, Reading>> {
  const windowStart = new Date(now.getTime() - rule.windowMinutes * 60_000);
  switch (rule.kind) {
    case 'PAYMENT_FAILURE_RATE': {
      const [row] = await tx.$queryRawUnsafe<Row[]>(
        'select count(*)::int as total, count(*) filter (where not succeeded)::int as failed from payment_observations where at > $1 and at <= $2',
        windowStart,
        now,
      );
      const total = Number(row?.['total'] ?? 0);
      const failed = Number(row?.['failed'] ?? 0);
      // No payments: nothing is failing. A few: too few to judge either way.
      const value = total === 0 ? 0 : total < minimumPayments ? null : (failed / total) * 100;
      return new Map([['', { value }]]);
    }
    case 'ORDER_NOT_CONFIRMED':
      return new Map([
        ['', { value: await count(tx, `select count(*)::int as n from order_watch where confirmed_at is null and cancelled_at is null and created_at <= $1 and created_at > $2::timestamptz - ${ORDER_LOOKBACK}`, windowStart, now) }],
      ]);
    case 'DELIVERY_LATE':
      return new Map([
        ['', { value: await count(tx, `select count(*)::int as n from order_watch where delivered_at is null and cancelled_at is null and confirmed_at <= $1 and confirmed_at > $2::timestamptz - ${ORDER_LOOKBACK}`, windowStart, now) }],
      ]);
    case 'COURIER_NOT_FOUND':
      return new Map([['', { value: await count(tx, 'select count(*)::int as n from courier_misses where at > $1 and at <= $2', windowStart, now) }]]);
    case 'DEAD_LETTERS':
      return new Map([['', { value: await count(tx, 'select count(*)::int as n from dead_letters where at > $1 and at <= $2', windowStart, now) }]]);
    case 'LOW_STOCK': {
      const rows = await tx.$queryRawUnsafe<Row[]>(
        'select product_id::text as key, name, quantity, active from stock_levels where (active and quantity <= $1) or product_id::text = any($2::text[])',
        rule.threshold,
        [...openKeys],
      );
      const readings = new Map<string, Reading>();
      for (const row of rows) {
        const name = row['name'] as string | null;
        // A deactivated or deleted product is nothing to restock: its alert clears.
        const value = row['active'] ? Number(row['quantity']) : Number.POSITIVE_INFINITY;
        readings.set(String(row['key']), { value, ...(name ? { label: name } : {}) });
      }
      return readings;
    }
  }
}
