import type { EmptiesShortfallStatus, PaymentsTransaction } from '../database.js';
import { isValidAmount } from './amounts.js';
import type { Payment, PaymentStore } from './payment-store.js';
import type { Settlement } from './settlement.js';

export interface EmptiesShortfall {
  amount: number;
  currency: string;
  at: Date;
}

/**
 * Settles an order's empties shortfall on its payment, which the caller has locked; once per
 * payment (a second shortfall for the order changes nothing). Cash on delivery: the courier
 * collects it at the door with the order, so it is added to the payment before the delivery
 * is captured, or captured at once when the delivery was captured first. Pix and card: it is
 * recorded as DUE, to be charged through the provider as a charge of its own. A payment
 * cancelled or refunded carries nothing more: NOT_COLLECTED.
 */
export async function settleEmptiesShortfall(
  transaction: PaymentsTransaction,
  dependencies: { payments: PaymentStore; settlement: Settlement },
  payment: Payment,
  shortfall: EmptiesShortfall,
): Promise<Payment | null> {
  if (payment.emptiesShortfallStatus !== null) return null;
  if (shortfall.currency !== payment.currency || !isValidAmount(shortfall.amount) || !isValidAmount(payment.amount + shortfall.amount))
    return record(NOT_COLLECTED);
  const live = payment.cancelRequestedAt === null;
  if (payment.method !== 'CASH_ON_DELIVERY')
    return record(live && payment.status !== 'CANCELLED' && payment.status !== 'REFUNDED' ? 'DUE' : NOT_COLLECTED);
  if (live && payment.status === 'AWAITING_DELIVERY') return record('COLLECTED_WITH_CASH', { amount: payment.amount + shortfall.amount });
  if (live && (payment.status === 'PAID' || payment.status === 'PARTIALLY_REFUNDED')) {
    const grown = await dependencies.settlement.captureCashAddition(transaction, payment, shortfall.amount, shortfall.at);
    return dependencies.payments.update(transaction, grown.id, fieldsFor('COLLECTED_WITH_CASH'));
  }
  return record(NOT_COLLECTED);

  function fieldsFor(status: EmptiesShortfallStatus) {
    return { emptiesShortfallAmount: shortfall.amount, emptiesShortfallStatus: status, emptiesShortfallAt: shortfall.at };
  }
  function record(status: EmptiesShortfallStatus, extra: { amount?: number } = {}) {
    return dependencies.payments.update(transaction, payment.id, { ...extra, ...fieldsFor(status) });
  }
}

const NOT_COLLECTED: EmptiesShortfallStatus = 'NOT_COLLECTED';
