import type { AlertRuleRow, AlertsTransaction } from '../database.js';
import {
  courierMisses,
  deadLetters,
  lateOrders,
  lowStock,
  paymentOutcomes,
  unansweredByStore,
  unconfirmedOrders,
} from './observation-store.js';

/** A condition's value for one key of a rule; null when there is not enough data to judge (nothing changes). */
export interface Reading {
  value: number | null;
  /** What the key is, in words, for the summary (a product's name). */
  label?: string;
}

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
      const { total, failed } = await paymentOutcomes(tx, windowStart, now);
      // No payments: nothing is failing. A few: too few to judge either way.
      const value = total === 0 ? 0 : total < minimumPayments ? null : (failed / total) * 100;
      return new Map([['', { value }]]);
    }
    case 'ORDER_NOT_CONFIRMED':
      return new Map([['', { value: await unconfirmedOrders(tx, windowStart, now) }]]);
    case 'DELIVERY_LATE':
      return new Map([['', { value: await lateOrders(tx, windowStart, now) }]]);
    case 'COURIER_NOT_FOUND':
      return new Map([['', { value: await courierMisses(tx, windowStart, now) }]]);
    case 'DEAD_LETTERS':
      return new Map([['', { value: await deadLetters(tx, windowStart, now) }]]);
    case 'STORE_NOT_ANSWERING': {
      const readings = new Map<string, Reading>();
      for (const [storeId, unanswered] of await unansweredByStore(tx, windowStart, now, openKeys))
        readings.set(storeId, { value: unanswered, label: `store ${storeId}` });
      return readings;
    }
    case 'LOW_STOCK': {
      const readings = new Map<string, Reading>();
      for (const level of await lowStock(tx, rule.threshold, openKeys)) {
        // A deactivated or deleted product is nothing to restock: its alert clears.
        const value = level.active ? level.quantity : Number.POSITIVE_INFINITY;
        readings.set(level.productId, { value, ...(level.name ? { label: level.name } : {}) });
      }
      return readings;
    }
  }
}
