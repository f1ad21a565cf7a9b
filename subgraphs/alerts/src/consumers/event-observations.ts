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
import {
  recordCourierMiss,
  recordDeadLetter,
  recordOrderMilestone,
  recordOrderPromise,
  recordPaymentOutcome,
  recordProductGone,
  recordStock,
  recordUnanswered,
} from '../evaluation/observation-store.js';
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

const ORDER_KINDS: readonly AlertRuleKind[] = ['ORDER_NOT_CONFIRMED', 'DELIVERY_LATE'];

/** The observations alerts keeps, each from one event type through `observe`. */
const observations = (observe: Observe) => [
  observe(PaymentEvents.processed, ['PAYMENT_FAILURE_RATE'], (tx, data, envelope) =>
    recordPaymentOutcome(tx, envelope.id, true, data.capturedAt),
  ),
  observe(PaymentEvents.failed, ['PAYMENT_FAILURE_RATE'], (tx, data, envelope) =>
    recordPaymentOutcome(tx, envelope.id, false, data.failedAt),
  ),
  observe(OrderEvents.created, ORDER_KINDS, (tx, data) => recordOrderMilestone(tx, 'created_at', data.orderId, data.createdAt)),
  observe(OrderEvents.awaitingAcceptance, [], (tx, data) => recordOrderPromise(tx, data.orderId, null, data.storeId)),
  observe(OrderEvents.accepted, ['DELIVERY_LATE'], (tx, data) => recordOrderPromise(tx, data.orderId, data.promisedBy, data.storeId)),
  observe(OrderEvents.confirmed, ORDER_KINDS, async (tx, data) => {
    await recordOrderMilestone(tx, 'confirmed_at', data.orderId, data.confirmedAt);
    if (data.promisedBy !== undefined) await recordOrderPromise(tx, data.orderId, data.promisedBy, data.pickup?.storeId ?? null);
  }),
  observe(OrderEvents.delivered, ORDER_KINDS, (tx, data) => recordOrderMilestone(tx, 'delivered_at', data.orderId, data.deliveredAt)),
  observe(OrderEvents.cancelled, [...ORDER_KINDS, 'STORE_NOT_ANSWERING'], async (tx, data) => {
    await recordOrderMilestone(tx, 'cancelled_at', data.orderId, data.cancelledAt);
    if (data.reasonCode === 'STORE_DID_NOT_ANSWER') await recordUnanswered(tx, data.orderId);
  }),
  observe(CourierEvents.notFound, ['COURIER_NOT_FOUND'], (tx, data, envelope) => recordCourierMiss(tx, envelope.id, data.orderId, data.at)),
  observe(ProductEvents.inventoryUpdated, ['LOW_STOCK'], (tx, data, envelope) =>
    recordStock(
      tx,
      { productId: data.productId, supplierId: data.supplierId, name: null, quantity: data.stockQuantity, active: null },
      envelope.time,
    ),
  ),
  observe(ProductEvents.created, ['LOW_STOCK'], (tx, data, envelope) =>
    recordStock(
      tx,
      { productId: data.productId, supplierId: data.supplierId, name: data.name, quantity: data.stockQuantity, active: data.active },
      envelope.time,
    ),
  ),
  observe(ProductEvents.updated, ['LOW_STOCK'], (tx, data, envelope) =>
    recordStock(
      tx,
      { productId: data.productId, supplierId: data.supplierId, name: data.name, quantity: data.stockQuantity, active: data.active },
      envelope.time,
    ),
  ),
  observe(ProductEvents.deleted, ['LOW_STOCK'], (tx, data) => recordProductGone(tx, data.productId)),
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
        const inserted = await recordDeadLetter(tx, {
          partition: message.partition,
          offset: message.offset,
          consumer: message.headers['x-dead-letter-consumer'] ?? 'unknown',
          originalTopic: message.headers['x-original-topic'] ?? 'unknown',
          reason: (message.headers['x-dead-letter-reason'] ?? '').slice(0, 1_000),
        });
        if (inserted === 0) return;
        logger.info({ consumer: message.headers['x-dead-letter-consumer'], offset: message.offset }, 'dead-lettered message observed');
        await evaluator.evaluateKinds(tx, ['DEAD_LETTERS'], new Date(), {
          source: 'alerts',
          correlationId: message.headers['x-correlation-id'] ?? `dead-letter-${message.offset}`,
        });
      });
    },
  };
}
