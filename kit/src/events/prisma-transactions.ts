import type { TransactionRunner } from './event-consumer.js';
import type { RawSqlExecutor } from './outbox.js';

/** What the kit needs of a generated Prisma client to run consumer transactions. */
export interface TransactionalClient<Transaction> {
  $transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
}

/**
 * Consumer transactions on a subgraph's Prisma client, with the processed
 * marker in its processed_events table (the kit's migration creates it in every service database).
 */
export function prismaTransactions<Transaction extends RawSqlExecutor>(
  client: TransactionalClient<Transaction>,
): TransactionRunner<Transaction> {
  return {
    run: (work) => client.$transaction(work),
    async markProcessed(transaction, consumer, eventId) {
      const inserted = await transaction.$executeRawUnsafe(
        'insert into processed_events (consumer, event_id) values ($1, $2::uuid) on conflict do nothing',
        consumer,
        eventId,
      );
      return inserted === 1;
    },
  };
}
