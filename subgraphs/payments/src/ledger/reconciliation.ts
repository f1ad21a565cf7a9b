import { invalidInput, type FieldProblem } from '#kit';
import type { PaymentProvider } from '../provider/payment-provider.js';
import type { LedgerStore } from './ledger-store.js';

export type MismatchKind = 'MISSING_IN_LEDGER' | 'MISSING_AT_PROVIDER' | 'AMOUNT_MISMATCH';

/** One payment's money through the provider in the period, as each side recorded it. */
export interface Movements {
  captured: number;
  refunded: number;
}

export interface Mismatch {
  kind: MismatchKind;
  paymentId: string;
  currency: string;
  ledger: Movements;
  provider: Movements;
}

export interface CurrencyTotals {
  currency: string;
  ledger: Movements;
  provider: Movements;
}

export interface ReconciliationReport {
  from: Date;
  to: Date;
  paymentsCompared: number;
  mismatches: Mismatch[];
  totals: CurrencyTotals[];
}

export const MAX_RECONCILIATION_DAYS = 366;

/** A period [from, to) of at most a year (the DateTime scalar has parsed both ends). */
export function checkPeriod(from: Date, to: Date): { from: Date; to: Date } {
  const problems: FieldProblem[] = [];
  const span = to.getTime() - from.getTime();
  if (span <= 0) problems.push({ field: 'to', message: 'must be after from' });
  else if (span > MAX_RECONCILIATION_DAYS * 86_400_000)
    problems.push({ field: 'to', message: `must be at most ${MAX_RECONCILIATION_DAYS} days after from` });
  if (problems.length > 0) throw invalidInput(problems);
  return { from, to };
}

const none = (): Movements => ({ captured: 0, refunded: 0 });
const isEmpty = (movements: Movements) => movements.captured === 0 && movements.refunded === 0;

/**
 * Compares, payment by payment, what our ledger says moved through
 * provider_clearing in [from, to) with the provider's own transactions in the
 * same period. Both sides date a movement by when the provider settled it, so
 * a payment is compared on the same footing whatever the period. Cash on
 * delivery never touches the provider and so is not part of this comparison.
 */
export async function reconcile(ledger: LedgerStore, provider: PaymentProvider, from: Date, to: Date): Promise<ReconciliationReport> {
  const [ours, theirs] = await Promise.all([ledger.clearingMovements(from, to), provider.listTransactions(from, to)]);
  const byPayment = new Map<string, { currency: string; ledger: Movements; provider: Movements }>();
  const entry = (paymentId: string, currency: string) => {
    const key = `${paymentId}|${currency}`;
    let found = byPayment.get(key);
    if (found === undefined) byPayment.set(key, (found = { currency, ledger: none(), provider: none() }));
    return found;
  };
  for (const movement of ours) {
    const side = entry(movement.paymentId, movement.currency).ledger;
    side.captured += movement.captured;
    side.refunded += movement.refunded;
  }
  for (const transaction of theirs) {
    const side = entry(transaction.paymentId, transaction.currency).provider;
    if (transaction.kind === 'CAPTURE') side.captured += transaction.amount;
    else side.refunded += transaction.amount;
  }
  const mismatches: Mismatch[] = [];
  const totals = new Map<string, CurrencyTotals>();
  for (const [key, compared] of byPayment) {
    const paymentId = key.slice(0, key.indexOf('|'));
    const total = totals.get(compared.currency) ?? { currency: compared.currency, ledger: none(), provider: none() };
    totals.set(compared.currency, total);
    total.ledger.captured += compared.ledger.captured;
    total.ledger.refunded += compared.ledger.refunded;
    total.provider.captured += compared.provider.captured;
    total.provider.refunded += compared.provider.refunded;
    if (compared.ledger.captured === compared.provider.captured && compared.ledger.refunded === compared.provider.refunded) continue;
    const kind: MismatchKind = isEmpty(compared.ledger)
      ? 'MISSING_IN_LEDGER'
      : isEmpty(compared.provider)
        ? 'MISSING_AT_PROVIDER'
        : 'AMOUNT_MISMATCH';
    mismatches.push({ kind, paymentId, currency: compared.currency, ledger: compared.ledger, provider: compared.provider });
  }
  return {
    from,
    to,
    paymentsCompared: byPayment.size,
    mismatches: mismatches.sort((a, b) => a.paymentId.localeCompare(b.paymentId)),
    totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}
