import { Events, Topic, type BusMessage, type ConsumerDefinition, type EventData, type EventEnvelope, type EventHandlers, type HandlerContext, type Logger, type TopicObserver, type TransactionRunner } from '#kit';
import type { AlertRuleKind, AlertsDatabase, AlertsTransaction } from '../database.js';
import { recordCourierMiss, recordDeadLetter, recordOrderMilestone, recordPaymentOutcome, recordProductGone, recordStock } from '../evaluation/observation-store.js';
import type { RuleEvaluator } from '../evaluation/rule-evaluator.js';

type Data<Key extends keyof typeof Events> = EventData<(typeof Events)[Key]>;

interface Observation {
  /** Records what the event says, idempotently. */
  record(tx: AlertsTransaction, data: any, envelope: EventEnvelope): Promise<unknown>;
  /** The rule kinds whose condition the event may change, evaluated at once. */
  kinds: readonly AlertRuleKind[];
}

const ORDER_KINDS: readonly AlertRuleKind[] = ['ORDER_NOT_CONFIRMED', 'DELIVERY_LATE'];

const observations: Partial<Record<keyof typeof Events, Observation>> = {
  paymentProcessed: {
    record: (tx, data: Data<'paymentProcessed'>, envelope) => recordPaymentOutcome(tx, envelope.id, true, data.capturedAt),
    kinds: ['PAYMENT_FAILURE_RATE'],
  },
  paymentFailed: {
    record: (tx, data: Data<'paymentFailed'>, envelope) => recordPaymentOutcome(tx, envelope.id, false, data.failedAt),
    kinds: ['PAYMENT_FAILURE_RATE'],
  },
  orderCreated: { record: (tx, data: Data<'orderCreated'>) => recordOrderMilestone(tx, 'created_at', data.orderId, data.createdAt), kinds: ORDER_KINDS },
  orderConfirmed: { record: (tx, data: Data<'orderConfirmed'>) => recordOrderMilestone(tx, 'confirmed_at', data.orderId, data.confirmedAt), kinds: ORDER_KINDS },
  orderDelivered: { record: (tx, data: Data<'orderDelivered'>) => recordOrderMilestone(tx, 'delivered_at', data.orderId, data.deliveredAt), kinds: ORDER_KINDS },
  orderCancelled: { record: (tx, data: Data<'orderCancelled'>) => recordOrderMilestone(tx, 'cancelled_at', data.orderId, data.cancelledAt), kinds: ORDER_KINDS },
  courierNotFound: {
    record: (tx, data: Data<'courierNotFound'>, envelope) => recordCourierMiss(tx, envelope.id, data.orderId, data.at),
    kinds: ['COURIER_NOT_FOUND'],
  },
  inventoryUpdated: {
    record: (tx, data: Data<'inventoryUpdated'>, envelope) =>
      recordStock(tx, { productId: data.productId, supplierId: data.supplierId, name: null, quantity: data.stockQuantity, active: null }, envelope.time),
    kinds: ['LOW_STOCK'],
  },
  productCreated: {
    record: (tx, data: Data<'productCreated'>, envelope) =>
      recordStock(tx, { productId: data.productId, supplierId: data.supplierId, name: data.name, quantity: data.stockQuantity, active: data.active }, envelope.time),
    kinds: ['LOW_STOCK'],
  },
  productUpdated: {
    record: (tx, data: Data<'productUpdated'>, envelope) =>
      recordStock(tx, { productId: data.productId, supplierId: data.supplierId, name: data.name, quantity: data.stockQuantity, active: data.active }, envelope.time),
    kinds: ['LOW_STOCK'],
  },
  productDeleted: {
    record: (tx, data: Data<'productDeleted'>) => recordProductGone(tx, data.productId),
    kinds: ['LOW_STOCK'],
  },
};

/**
 * Keeps what the rules are judged on and evaluates the rules an event concerns, in the
 * consumer's transaction: the observation, any alert it opens or resolves, their events and
 * the processed marker commit together, so a replayed topic opens no second alert.
 */
export function observationConsumer(transactions: TransactionRunner<AlertsTransaction>, evaluator: RuleEvaluator): ConsumerDefinition {
  const handlers: EventHandlers<unknown> = Object.fromEntries(
    (Object.entries(observations) as Array<[keyof typeof Events, Observation]>).map(([key, observation]) => [
      Events[key].type,
      async (data: unknown, { transaction, envelope }: HandlerContext<unknown>) => {
        const tx = transaction as AlertsTransaction;
        await observation.record(tx, data, envelope);
        await evaluator.evaluateKinds(tx, observation.kinds, new Date(), { source: 'alerts', correlationId: envelope.correlationId });
      },
    ]),
  );
  return { name: 'alerts.observations', topics: [Topic.ORDER, Topic.PAYMENT, Topic.PRODUCT], transactions, handlers };
}

/**
 * Watches the dead-letter topic. Its messages are whatever a consumer refused, so they are not
 * parsed as events: each is recorded once by its position on the topic, then the
 * DEAD_LETTERS rules are evaluated.
 */
export function deadLetterObserver(client: AlertsDatabase, evaluator: RuleEvaluator, logger: Logger): TopicObserver {
  return {
    name: 'alerts.dead-letters',
    topics: [Topic.DEAD_LETTER],
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
        await evaluator.evaluateKinds(tx, ['DEAD_LETTERS'], new Date(), { source: 'alerts', correlationId: message.headers['x-correlation-id'] ?? `dead-letter-${message.offset}` });
      });
    },
  };
}
