import type { EntryDirection, LedgerAccount } from '../database.js';

/** Where the customer's money sits once captured: at the provider, or in cash with whoever delivered. */
export type ClearingAccount = Extract<LedgerAccount, 'PROVIDER_CLEARING' | 'CASH_COLLECTED'>;

export interface EntryLine {
  account: LedgerAccount;
  direction: EntryDirection;
  amount: number;
}

/** Entries of zero are left out: the database refuses them, and they say nothing. */
const lines = (candidates: EntryLine[]): EntryLine[] => candidates.filter((line) => line.amount > 0);

/**
 * A capture of `amount` with `commission` kept by the platform: the money
 * arrives in the clearing account and is owed to the supplier, less the commission.
 */
export function captureEntries(amount: number, commission: number, clearing: ClearingAccount): EntryLine[] {
  return lines([
    { account: clearing, direction: 'DEBIT', amount },
    { account: 'SUPPLIER_PAYABLE', direction: 'CREDIT', amount: amount - commission },
    { account: 'PLATFORM_COMMISSION', direction: 'CREDIT', amount: commission },
  ]);
}

/** A refund of `amount`, of which `reversal` is commission given back: the mirror of a capture. */
export function refundEntries(amount: number, reversal: number, clearing: ClearingAccount): EntryLine[] {
  return lines([
    { account: 'SUPPLIER_PAYABLE', direction: 'DEBIT', amount: amount - reversal },
    { account: 'PLATFORM_COMMISSION', direction: 'DEBIT', amount: reversal },
    { account: clearing, direction: 'CREDIT', amount },
  ]);
}
