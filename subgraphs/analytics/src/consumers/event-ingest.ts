import { Events, Topic, type ConsumerDefinition, type EventData, type EventEnvelope, type EventHandlers, type HandlerContext, type TransactionRunner } from '#kit';
import type { AnalyticsTransaction } from '../database.js';
import { recordItemsDelivered, recordOrderFacts, recordOrderItems } from './order-facts.js';

type Data<Key extends keyof typeof Events> = EventData<(typeof Events)[Key]>;
type Fact = (data: any, transaction: AnalyticsTransaction, envelope: EventEnvelope) => Promise<void>;

/** What each event type adds to the fact tables, beyond its row in analytics_events. */
const facts: Partial<Record<keyof typeof Events, Fact>> = {
  orderCreated: async (data: Data<'orderCreated'>, tx) => {
    await recordOrderFacts(tx, data, {
      total_amount: data.totalAmount,
      currency: data.currency,
      payment_method: data.paymentMethod,
      cylinder_count: data.items.reduce((sum, item) => sum + item.quantity, 0),
      placed_at: data.createdAt,
    });
    await recordOrderItems(tx, data.orderId, data.items);
  },
  orderConfirmed: (data: Data<'orderConfirmed'>, tx) =>
    recordOrderFacts(tx, data, { total_amount: data.totalAmount, currency: data.currency, payment_method: data.paymentMethod, cylinder_count: data.cylinderCount, confirmed_at: data.confirmedAt }),
  courierAssigned: (data: Data<'courierAssigned'>, tx) => recordOrderFacts(tx, data, { courier_id: data.courierId, courier_assigned_at: data.assignedAt }),
  orderInTransit: (data: Data<'orderInTransit'>, tx) => recordOrderFacts(tx, data, { courier_id: data.courierId, in_transit_at: data.at }),
  orderDelivered: async (data: Data<'orderDelivered'>, tx) => {
    await recordOrderFacts(tx, data, { courier_id: data.courierId, total_amount: data.totalAmount, currency: data.currency, payment_method: data.paymentMethod, delivered_at: data.deliveredAt });
    await recordItemsDelivered(tx, data.orderId, data.deliveredAt);
  },
  deliveryCompleted: (data: Data<'deliveryCompleted'>, tx) => recordOrderFacts(tx, data, { courier_id: data.courierId }),
  orderCancelled: (data: Data<'orderCancelled'>, tx) => recordOrderFacts(tx, data, { cancelled_at: data.cancelledAt }),
  paymentProcessed: (data: Data<'paymentProcessed'>, tx, envelope) =>
    tx.$executeRawUnsafe(
      `insert into payment_outcomes (event_id, payment_id, order_id, supplier_id, succeeded, amount, at)
       values ($1::uuid, $2::uuid, $3::uuid, $4::uuid, true, $5, $6::timestamptz) on conflict do nothing`,
      envelope.id, data.paymentId, data.orderId, data.supplierId, data.amount, data.capturedAt,
    ).then(() => undefined),
  paymentFailed: (data: Data<'paymentFailed'>, tx, envelope) =>
    tx.$executeRawUnsafe(
      `insert into payment_outcomes (event_id, payment_id, order_id, supplier_id, succeeded, amount, at)
       values ($1::uuid, $2::uuid, $3::uuid, null, false, null, $4::timestamptz) on conflict do nothing`,
      envelope.id, data.paymentId, data.orderId, data.failedAt,
    ).then(() => undefined),
  productCreated: (data: Data<'productCreated'>, tx) => recordProduct(tx, data),
  productUpdated: (data: Data<'productUpdated'>, tx) => recordProduct(tx, data),
  productDeleted: (data: Data<'productDeleted'>, tx) =>
    tx.$executeRawUnsafe('update product_facts set deleted = true, updated_at = now() where product_id = $1::uuid', data.productId).then(() => undefined),
};

async function recordProduct(tx: AnalyticsTransaction, data: Data<'productCreated'>): Promise<void> {
  await tx.$executeRawUnsafe(
    `insert into product_facts (product_id, supplier_id, name, cylinder_type, updated_at) values ($1::uuid, $2::uuid, $3, $4, now())
     on conflict (product_id) do update set name = excluded.name, cylinder_type = excluded.cylinder_type, updated_at = now()`,
    data.productId, data.supplierId, data.name, data.cylinderType,
  );
}

/** The supplier an event concerns, when its data names one. */
function supplierOf(data: unknown): string | null {
  const value = (data as { supplierId?: unknown } | null)?.supplierId;
  return typeof value === 'string' ? value : null;
}

/** Every topic analytics reads: all of them but its own and the dead letters (alerts watches those). */
export const ingestedTopics: readonly string[] = Object.values(Topic).filter((topic) => topic !== Topic.ANALYTICS && topic !== Topic.DEAD_LETTER);

/**
 * Consumes every business event into analytics' tables, in the consumer's transaction with
 * the processed marker: each event id is counted once (analytics_events' primary key as well
 * as processed_events), and the fact rows converge whatever the order or number of deliveries.
 */
export function eventIngestConsumer(transactions: TransactionRunner<AnalyticsTransaction>): ConsumerDefinition {
  const handlers: EventHandlers<unknown> = Object.fromEntries(
    (Object.keys(Events) as Array<keyof typeof Events>)
      .filter((key) => ingestedTopics.includes(Events[key].topic))
      .map((key) => [
        Events[key].type,
        async (data: unknown, { transaction, envelope }: HandlerContext<unknown>) => {
          const tx = transaction as AnalyticsTransaction;
          const inserted = await tx.$executeRawUnsafe(
            `insert into analytics_events (id, type, source, topic, subject, occurred_at, supplier_id)
             values ($1::uuid, $2, $3, $4, $5, $6::timestamptz, $7::uuid) on conflict do nothing`,
            envelope.id, envelope.type, envelope.source, Events[key].topic, envelope.subject, envelope.time, supplierOf(data),
          );
          if (inserted === 0) return;
          await facts[key]?.(data, tx, envelope);
        },
      ]),
  );
  return { name: 'analytics.ingest', topics: ingestedTopics, transactions, handlers };
}
