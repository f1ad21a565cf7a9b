import type { Prisma } from '../database.js';
import type { Refund } from '../refunds/refund-store.js';
import type { Payment } from './payment-store.js';

// The answers idempotency keys replay, stored as JSON: dates travel as ISO strings.

const dateFields = {
  payment: ['cancelRequestedAt', 'capturedAt', 'emptiesShortfallAt', 'createdAt', 'updatedAt'],
  refund: ['createdAt', 'processedAt'],
} as const;

function encode(row: object): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(row)) as Prisma.InputJsonValue;
}

function decode<Row>(stored: Prisma.JsonValue, dates: readonly string[]): Row {
  const row = { ...(stored as Record<string, unknown>) };
  for (const field of dates) {
    const value = row[field];
    if (typeof value === 'string') row[field] = new Date(value);
  }
  return row as Row;
}

export const encodePayment = (payment: Payment) => encode(payment);
export const decodePayment = (stored: Prisma.JsonValue) => decode<Payment>(stored, dateFields.payment);
export const encodeRefund = (refund: Refund) => encode(refund);
export const decodeRefund = (stored: Prisma.JsonValue) => decode<Refund>(stored, dateFields.refund);
