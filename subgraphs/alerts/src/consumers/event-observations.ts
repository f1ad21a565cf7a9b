import type { z } from 'zod';
import {
  DEAD_LETTER_TOPIC,
  eventConsumer,
  type BusMessage,
  type ConsumerDefinition,
  type EventDefinition,
  type EventEnvelope,
  type EventHandler,
  type Logger,
  type TopicObserver,
  type TransactionRunner,
} from '#kit';
import type { AlertRuleKind, AlertsDatabase, AlertsTransaction } from '../database.js';
import type { RuleEvaluator } from '../evaluation/rule-evaluator.js';
import { CourierEvents } from '../../../couriers/src/events/index.js';
import { OrderEvents } from '../../../orders/src/events/index.js';
import { PaymentEvents } from '../../../payments/src/events/index.js';
import { ProductEvents } from '../../../products/src/events/index.js';

/**
 * The handler of one event type: `record` keeps what the event says, idempotently; `kinds` are
 * the rule kinds whose condition the event may change, evaluated at once.
 */
type Observe = <Schema extends z.ZodType>(
  definition: EventDefinition<Schema>,
  kinds: readonly AlertRuleKind[],
  record: (tx: AlertsTransaction, data: z.output<Schema>, envelope: EventEnvelope) => Promise<unknown>,
) => EventHandler<AlertsTransaction>;

const orderColumn = (column: 'created_at' | 'confirmed_at' | 'delivered_at' | 'cancelled_at') => (tx: AlertsTransaction, orderId: string, at: string) =>
  tx.$executeRawUnsafe(
    `insert into order_watch (order_id, ${column}) values ($1::uuid, $2::timestamptz)
     on conflict (order_id) do update set ${column} = coalesce(order_watch.${column}, excluded.${column})`,
    orderId,
    at,
  );

const stock = (tx: AlertsTransaction, row: { productId: string; supplierId: string; name: string | null; quantity: number; active: boolean | null }, at: string) =>
  // Only a newer fact replaces an older one, whatever order the events arrive in.
  tx.$executeRawUnsafe(
    `insert into stock_levels (product_id, supplier_id, name, quantity, active, updated_at) values ($1::uuid, $2::uuid, $3, $4, coalesce($5, true), $6::timestamptz)
     on conflict (product_id) do update set name = coalesce(excluded.name, stock_levels.name), quantity = excluded.quantity,
       active = coalesce($5, stock_levels.active), updated_at = excluded.updated_at
     where stock_levels.updated_at <= excluded.updated_at`,
    row.productId, row.supplierId, row.name, row.quantity, row.active, at,
  );

const ORDER_KINDS: readonly AlertRuleKind[] = ['ORDER_NOT_CONFIRMED', 'DELIVERY_LATE'];

/** The observations alerts keeps, each from one event type through `observe`. */
const observations = (observe: Observe) => [
  observe(PaymentEvents.processed, ['PAYMENT_FAILURE_RATE'], (tx, data, envelope) =>
    tx.$executeRawUnsafe('insert into payment_observations (event_id, succeeded, at) values ($1::uuid, true, $2::timestamptz) on conflict do nothing', envelope.id, data.capturedAt),
  ),
  observe(PaymentEvents.failed, ['PAYMENT_FAILURE_RATE'], (tx, data, envelope) =>
    tx.$executeRawUnsafe('insert into payment_observations (event_id, succeeded, at) values ($1::uuid, false, $2::timestamptz) on conflict do nothing', envelope.id, data.failedAt),
  ),
  observe(OrderEvents.created, ORDER_KINDS, (tx, data) => orderColumn('created_at')(tx, data.orderId, data.createdAt)),
  observe(OrderEvents.confirmed, ORDER_KINDS, (tx, data) => orderColumn('confirmed_at')(tx, data.orderId, data.confirmedAt)),
  observe(OrderEvents.delivered, ORDER_KINDS, (tx, data) => orderColumn('delivered_at')(tx, data.orderId, data.deliveredAt)),
  observe(OrderEvents.cancelled, ORDER_KINDS, (tx, data) => orderColumn('cancelled_at')(tx, data.orderId, data.cancelledAt)),
  observe(CourierEvents.notFound, ['COURIER_NOT_FOUND'], (tx, data, envelope) =>
    tx.$executeRawUnsafe('insert into courier_misses (event_id, order_id, at) values ($1::uuid, $2::uuid, $3::timestamptz) on conflict do nothing', envelope.id, data.orderId, data.at),
  ),
  observe(ProductEvents.inventoryUpdated, ['LOW_STOCK'], (tx, data, envelope) =>
    stock(tx, { productId: data.productId, supplierId: data.supplierId, name: null, quantity: data.stockQuantity, active: null }, envelope.time),
  ),
  observe(ProductEvents.created, ['LOW_STOCK'], (tx, data, envelope) =>
    stock(tx, { productId: data.productId, supplierId: data.supplierId, name: data.name, quantity: data.stockQuantity, active: data.active }, envelope.time),
  ),
  observe(ProductEvents.updated, ['LOW_STOCK'], (tx, data, envelope) =>
    stock(tx, { productId: data.productId, supplierId: data.supplierId, name: data.name, quantity: data.stockQuantity, active: data.active }, envelope.time),
  ),
  observe(ProductEvents.deleted, ['LOW_STOCK'], (tx, data) => tx.$executeRawUnsafe('update stock_levels set active = false where product_id = $1::uuid', data.productId)),
];

/**
 * Keeps what the rules are judged on and evaluates the rules an event concerns, in the
 * consumer's transaction: the observation, any alert it opens or resolves, their events and
 * the processed marker commit together, so a replayed topic opens no second alert.
 */
export function observationConsumer(transactions: TransactionRunner<AlertsTransaction>, evaluator: RuleEvaluator): ConsumerDefinition {
  return eventConsumer({
    name: 'alerts.observations',
    transactions,
    handlers: (on) =>
      observations((definition, kinds, record) =>
        on(definition, async (data, { transaction, envelope }) => {
          await record(transaction, data, envelope);
          await evaluator.evaluateKinds(transaction, kinds, new Date(), { source: 'alerts', correlationId: envelope.correlationId });
        }),
      ),
  });
}

/**
 * Watches the dead-letter topic. Its messages are whatever a consumer refused, so they are not
 * parsed as events: each is recorded once by its position on the topic, then the
 * DEAD_LETTERS rules are evaluated.
 */
export function deadLetterObserver(client: AlertsDatabase, evaluator: RuleEvaluator, logger: Logger): TopicObserver {
  return {
    name: 'alerts.dead-letters',
    topics: [DEAD_LETTER_TOPIC],
    async handle(message: BusMessage) {
      await client.$transaction(async (tx) => {
        const inserted = await tx.$executeRawUnsafe(
          'insert into dead_letters (partition, "offset", consumer, original_topic, reason) values ($1, $2, $3, $4, $5) on conflict do nothing',
          message.partition,
          message.offset,
          message.headers['x-dead-letter-consumer'] ?? 'unknown',
          message.headers['x-original-topic'] ?? 'unknown',
          (message.headers['x-dead-letter-reason'] ?? '').slice(0, 1_000),
        );
        if (inserted === 0) return;
        logger.info({ consumer: message.headers['x-dead-letter-consumer'], offset: message.offset }, 'dead-lettered message observed');
        await evaluator.evaluateKinds(tx, ['DEAD_LETTERS'], new Date(), { source: 'alerts', correlationId: message.headers['x-correlation-id'] ?? `dead-letter-${message.offset}` });
      });
    },
  };
}
