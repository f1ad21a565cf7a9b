import type { z } from 'zod';
import {
  eventConsumer,
  type ConsumerDefinition,
  type EventContracts,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
  type EventHandler,
  type HandlerContext,
  type TransactionRunner,
} from '#kit';
import type { AnalyticsTransaction } from '../database.js';
import { recordItemsDelivered, recordOrderFacts, recordOrderItems } from './order-facts.js';
import { recordStore } from './store-facts.js';
import { UserEvents } from '../../../accounts/src/events/index.js';
import { AlertEvents } from '../../../alerts/src/events/index.js';
import { CourierEvents } from '../../../couriers/src/events/index.js';
import { InvitationEvents } from '../../../invitations/src/events/index.js';
import { NotificationEvents } from '../../../notifications/src/events/index.js';
import { OrderEvents } from '../../../orders/src/events/index.js';
import { PaymentEvents } from '../../../payments/src/events/index.js';
import { ProductEvents, StoreEvents } from '../../../products/src/events/index.js';
import { VerificationEvents } from '../../../verification/src/events/index.js';

/** The handler of one event type that also records facts: `record` runs once the event is counted. */
type Fact = <Schema extends z.ZodType>(
  definition: EventDefinition<Schema>,
  record: (data: z.output<Schema>, transaction: AnalyticsTransaction, envelope: EventEnvelope) => Promise<void>,
) => EventHandler<AnalyticsTransaction>;

/** What an event type adds to the fact tables, beyond its row in analytics_events. */
const facts = (fact: Fact) => [
  fact(OrderEvents.created, async (data, tx) => {
    await recordOrderFacts(tx, data, {
      total_amount: data.totalAmount,
      currency: data.currency,
      payment_method: data.paymentMethod,
      cylinder_count: data.items.reduce((sum, item) => sum + item.quantity, 0),
      placed_at: data.createdAt,
      store_id: data.storeId ?? null,
    });
    await recordOrderItems(tx, data.orderId, data.items);
  }),
  fact(OrderEvents.awaitingAcceptance, (data, tx) =>
    recordOrderFacts(tx, data, { store_id: data.storeId, awaiting_acceptance_at: data.at }),
  ),
  fact(OrderEvents.accepted, (data, tx) =>
    recordOrderFacts(tx, data, {
      store_id: data.storeId,
      accepted_at: data.at,
      auto_accepted: data.acceptedBy === null,
      promised_by: data.promisedBy,
    }),
  ),
  fact(OrderEvents.rejected, (data, tx) => recordOrderFacts(tx, data, { store_id: data.storeId, rejected_at: data.at })),
  fact(StoreEvents.created, (data, tx) => recordStore(tx, data)),
  fact(StoreEvents.updated, (data, tx) => recordStore(tx, data)),
  fact(StoreEvents.paused, (data, tx) => recordStore(tx, data)),
  fact(StoreEvents.resumed, (data, tx) => recordStore(tx, data)),
  fact(OrderEvents.confirmed, (data, tx) =>
    recordOrderFacts(tx, data, {
      total_amount: data.totalAmount,
      currency: data.currency,
      payment_method: data.paymentMethod,
      cylinder_count: data.cylinderCount,
      confirmed_at: data.confirmedAt,
      store_id: data.pickup?.storeId ?? null,
      promised_by: data.promisedBy ?? null,
    }),
  ),
  fact(CourierEvents.assigned, (data, tx) =>
    recordOrderFacts(tx, data, { courier_id: data.courierId, courier_assigned_at: data.assignedAt }),
  ),
  fact(OrderEvents.inTransit, (data, tx) => recordOrderFacts(tx, data, { courier_id: data.courierId, in_transit_at: data.at })),
  fact(OrderEvents.delivered, async (data, tx) => {
    await recordOrderFacts(tx, data, {
      courier_id: data.courierId,
      total_amount: data.totalAmount,
      currency: data.currency,
      payment_method: data.paymentMethod,
      delivered_at: data.deliveredAt,
    });
    await recordItemsDelivered(tx, data.orderId, data.deliveredAt);
  }),
  fact(CourierEvents.deliveryCompleted, (data, tx) => recordOrderFacts(tx, data, { courier_id: data.courierId })),
  fact(OrderEvents.cancelled, (data, tx) => recordOrderFacts(tx, data, { cancelled_at: data.cancelledAt, cancel_reason: data.reasonCode })),
  fact(PaymentEvents.processed, (data, tx, envelope) =>
    tx
      .$executeRawUnsafe(
        `insert into payment_outcomes (event_id, payment_id, order_id, supplier_id, succeeded, amount, at)
       values ($1::uuid, $2::uuid, $3::uuid, $4::uuid, true, $5, $6::timestamptz) on conflict do nothing`,
        envelope.id,
        data.paymentId,
        data.orderId,
        data.supplierId,
        data.amount,
        data.capturedAt,
      )
      .then(() => undefined),
  ),
  fact(PaymentEvents.failed, (data, tx, envelope) =>
    tx
      .$executeRawUnsafe(
        `insert into payment_outcomes (event_id, payment_id, order_id, supplier_id, succeeded, amount, at)
       values ($1::uuid, $2::uuid, $3::uuid, null, false, null, $4::timestamptz) on conflict do nothing`,
        envelope.id,
        data.paymentId,
        data.orderId,
        data.failedAt,
      )
      .then(() => undefined),
  ),
  fact(ProductEvents.created, (data, tx) => recordProduct(tx, data)),
  fact(ProductEvents.updated, (data, tx) => recordProduct(tx, data)),
  fact(ProductEvents.deleted, (data, tx) =>
    tx
      .$executeRawUnsafe('update product_facts set deleted = true, updated_at = now() where product_id = $1::uuid', data.productId)
      .then(() => undefined),
  ),
];

async function recordProduct(tx: AnalyticsTransaction, data: EventData<typeof ProductEvents.created>): Promise<void> {
  await tx.$executeRawUnsafe(
    `insert into product_facts (product_id, supplier_id, name, cylinder_type, updated_at) values ($1::uuid, $2::uuid, $3, $4, now())
     on conflict (product_id) do update set name = excluded.name, cylinder_type = excluded.cylinder_type, updated_at = now()`,
    data.productId,
    data.supplierId,
    data.name,
    data.cylinderType,
  );
}

/** The supplier an event concerns, when its data names one. */
function supplierOf(data: unknown): string | null {
  return typeof data === 'object' && data !== null && 'supplierId' in data && typeof data.supplierId === 'string' ? data.supplierId : null;
}

/** Every event analytics ingests: all but its own and the dead letters (alerts watches those). */
const ingested: readonly EventContracts[] = [
  UserEvents,
  ProductEvents,
  StoreEvents,
  InvitationEvents,
  VerificationEvents,
  OrderEvents,
  CourierEvents,
  PaymentEvents,
  NotificationEvents,
  AlertEvents,
];

/**
 * Consumes every business event into analytics' tables, in the consumer's transaction with
 * the processed marker: each event id is counted once (analytics_events' primary key as well
 * as processed_events), and the fact rows converge whatever the order or number of deliveries.
 */
export function eventIngestConsumer(transactions: TransactionRunner<AnalyticsTransaction>): ConsumerDefinition {
  /** Its row in analytics_events; false when the event was counted before. */
  const count = async (data: unknown, { transaction, envelope }: HandlerContext<AnalyticsTransaction>, topic: string): Promise<boolean> => {
    const inserted = await transaction.$executeRawUnsafe(
      `insert into analytics_events (id, type, source, topic, subject, occurred_at, supplier_id)
       values ($1::uuid, $2, $3, $4, $5, $6::timestamptz, $7::uuid) on conflict do nothing`,
      envelope.id,
      envelope.type,
      envelope.source,
      topic,
      envelope.subject,
      envelope.time,
      supplierOf(data),
    );
    return inserted > 0;
  };
  return eventConsumer({
    name: 'analytics.ingest',
    transactions,
    handlers: (on) => {
      const withFacts = facts((definition, record) =>
        on(definition, async (data, context) => {
          if (await count(data, context, definition.topic)) await record(data, context.transaction, context.envelope);
        }),
      );
      const covered = new Set(withFacts.map((handler) => handler.definition.type));
      const countedOnly = ingested
        .flatMap((contracts) => Object.values(contracts))
        .filter((definition) => !covered.has(definition.type))
        .map((definition) => on(definition, async (data, context) => void (await count(data, context, definition.topic))));
      return [...withFacts, ...countedOnly];
    },
  });
}
