import { randomUUID } from 'node:crypto';
import { newestFirstPage, pageOf, type KeysetCursor } from '#kit';
import type { LedgerAccount, LedgerEntryRow, LedgerTransactionRow, PaymentsDatabase, PaymentsTransaction } from '../database.js';
import type { EntryLine } from './ledger-entries.js';

export type LedgerTransaction = LedgerTransactionRow & { entries: LedgerEntryRow[] };

export interface NewLedgerTransaction {
  kind: 'CAPTURE' | 'REFUND' | 'EMPTIES_SHORTFALL';
  paymentId: string;
  refundId?: string;
  currency: string;
  occurredAt: Date;
  entries: EntryLine[];
}

export interface AccountBalance {
  account: LedgerAccount;
  currency: string;
  debits: number;
  credits: number;
}

/** One payment's movements through provider_clearing in a period: money in (captures) and out (refunds). */
export interface ClearingMovement {
  paymentId: string;
  currency: string;
  captured: number;
  refunded: number;
}

export interface LedgerPage {
  transactions: LedgerTransaction[];
  hasNextPage: boolean;
  totalCount: number;
}

export interface LedgerStore {
  /** Writes a balanced transaction inside the caller's transaction; the database checks the balance at commit. */
  record(transaction: PaymentsTransaction, entry: NewLedgerTransaction): Promise<LedgerTransactionRow>;
  balances(): Promise<AccountBalance[]>;
  clearingMovements(from: Date, to: Date): Promise<ClearingMovement[]>;
  /** Newest first; `paymentId` must be a uuid. */
  list(query: { paymentId?: string; first: number; after?: KeysetCursor }): Promise<LedgerPage>;
}

// Raw SQL sees the accounts' stored names; the client sees the enum's.
const accountByStoredName: Readonly<Record<string, LedgerAccount>> = {
  provider_clearing: 'PROVIDER_CLEARING',
  cash_collected: 'CASH_COLLECTED',
  supplier_payable: 'SUPPLIER_PAYABLE',
  platform_commission: 'PLATFORM_COMMISSION',
};

/**
 * The database refuses an unbalanced transaction at commit (a deferred
 * trigger); this refuses it earlier, while the transaction can still roll back
 * cleanly. A failed COMMIT is worse: the Prisma pg adapter then never returns
 * the connection to the pool.
 */
function assertBalanced(entry: NewLedgerTransaction): void {
  let balance = 0;
  for (const line of entry.entries) {
    if (!Number.isSafeInteger(line.amount) || line.amount <= 0)
      throw new Error(`ledger entry of ${line.amount} on ${line.account}: amounts are positive whole minor units`);
    balance += line.direction === 'DEBIT' ? line.amount : -line.amount;
  }
  if (entry.entries.length === 0 || balance !== 0)
    throw new Error(`unbalanced ${entry.kind} of payment ${entry.paymentId}: debits − credits = ${balance}`);
}

export function ledgerStore(database: PaymentsDatabase): LedgerStore {
  return {
    async record(transaction, entry) {
      assertBalanced(entry);
      const id = randomUUID();
      const created = await transaction.ledgerTransaction.create({
        data: {
          id,
          kind: entry.kind,
          paymentId: entry.paymentId,
          refundId: entry.refundId ?? null,
          currency: entry.currency,
          occurredAt: entry.occurredAt,
        },
      });
      await transaction.ledgerEntry.createMany({ data: entry.entries.map((line) => ({ transactionId: id, ...line })) });
      return created;
    },
    async balances() {
      const rows = await database.$queryRaw<Array<{ account: string; currency: string; debits: bigint; credits: bigint }>>`
        select e.account::text as account, t.currency,
               coalesce(sum(e.amount) filter (where e.direction = 'DEBIT'), 0)::bigint as debits,
               coalesce(sum(e.amount) filter (where e.direction = 'CREDIT'), 0)::bigint as credits
        from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
        group by e.account, t.currency
        order by e.account, t.currency`;
      return rows.map((row) => ({
        account: accountByStoredName[row.account] ?? (row.account as LedgerAccount),
        currency: row.currency,
        debits: Number(row.debits),
        credits: Number(row.credits),
      }));
    },
    async clearingMovements(from, to) {
      const rows = await database.$queryRaw<Array<{ payment_id: string; currency: string; captured: bigint; refunded: bigint }>>`
        select t.payment_id::text as payment_id, t.currency,
               coalesce(sum(e.amount) filter (where e.direction = 'DEBIT'), 0)::bigint as captured,
               coalesce(sum(e.amount) filter (where e.direction = 'CREDIT'), 0)::bigint as refunded
        from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
        where e.account = 'provider_clearing' and t.occurred_at >= ${from} and t.occurred_at < ${to}
        group by t.payment_id, t.currency`;
      return rows.map((row) => ({
        paymentId: row.payment_id,
        currency: row.currency,
        captured: Number(row.captured),
        refunded: Number(row.refunded),
      }));
    },
    async list(query) {
      const filter = query.paymentId === undefined ? {} : { paymentId: query.paymentId };
      const [rows, totalCount] = await Promise.all([
        database.ledgerTransaction.findMany({
          ...newestFirstPage(filter, query.after, query.first),
          include: { entries: { orderBy: { id: 'asc' } } },
        }),
        database.ledgerTransaction.count({ where: filter }),
      ]);
      const { nodes, hasNextPage } = pageOf(rows, query.first);
      return { transactions: nodes, hasNextPage, totalCount };
    },
  };
}
