import { Events, Topic, type BusMessage, type ConsumerDefinition, type EventData, type EventEnvelope, type EventHandlers, type HandlerContext, type Logger, type TopicObserver, type TransactionRunner } from '#kit';
import type { AlertRuleKind, AlertsDatabase, AlertsTransaction } from '../database.js';
import type { RuleEvaluator } from '../evaluation/rule-evaluator.js';

type Data<Key extends keyof typeof Events> = EventData<(typeof Events)[Key]>;

interface Observation {
  /** Records what the event says, idempotently. */
  record(tx: AlertsTransaction, data: any, envelope: EventEnvelope): Promise<unknown>;
  /** The rule kinds whose condition the event may change, evaluated at once. */
  kinds: readonly AlertRuleKind[];
}

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

const observations: Partial<Record<keyof typeof Events, Observation>> = {
  paymentProcessed: {
    record: (tx, data: Data<'paymentProcessed'>, envelope) =>
      tx.$executeRawUnsafe('insert into payment_observations (event_id, succeeded, at) values ($1::uuid, true, $2::timestamptz) on conflict do nothing', envelope.id, data.capturedAt),
    kinds: ['PAYMENT_FAILURE_RATE'],
  },
  paymentFailed: {
    record: (tx, data: Data<'paymentFailed'>, envelope) =>
      tx.$executeRawUnsafe('insert into payment_observations (event_id, succeeded, at) values ($1::uuid, false, $2::timestamptz) on conflict do nothing', envelope.id, data.failedAt),
    kinds: ['PAYMENT_FAILURE_RATE'],
  },
  orderCreated: { record: (tx, data: Data<'orderCreated'>) => orderColumn('created_at')(tx, data.orderId, data.createdAt), kinds: ORDER_KINDS },
  orderConfirmed: { record: (tx, data: Data<'orderConfirmed'>) => orderColumn('confirmed_at')(tx, data.orderId, data.confirmedAt), kinds: ORDER_KINDS },
  orderDelivered: { record: (tx, data: Data<'orderDelivered'>) => orderColumn('delivered_at')(tx, data.orderId, data.deliveredAt), kinds: ORDER_KINDS },
  orderCancelled: { record: (tx, data: Data<'orderCancelled'>) => orderColumn('cancelled_at')(tx, data.orderId, data.cancelledAt), kinds: ORDER_KINDS },
  courierNotFound: {
    record: (tx, data: Data<'courierNotFound'>, envelope) =>
      tx.$executeRawUnsafe('insert into courier_misses (event_id, order_id, at) values ($1::uuid, $2::uuid, $3::timestamptz) on conflict do nothing', envelope.id, data.orderId, data.at),
    kinds: ['COURIER_NOT_FOUND'],
  },
  inventoryUpdated: {
    record: (tx, data: Data<'inventoryUpdated'>, envelope) =>
      stock(tx, { productId: data.productId, supplierId: data.supplierId, name: null, quantity: data.stockQuantity, active: null }, envelope.time),
    kinds: ['LOW_STOCK'],
  },
  productCreated: {
    record: (tx, data: Data<'productCreated'>, envelope) =>
      stock(tx, { productId: data.productId, supplierId: data.supplierId, name: data.name, quantity: data.stockQuantity, active: data.active }, envelope.time),
    kinds: ['LOW_STOCK'],
  },
  productUpdated: {
    record: (tx, data: Data<'productUpdated'>, envelope) =>
      stock(tx, { productId: data.productId, supplierId: data.supplierId, name: data.name, quantity: data.stockQuantity, active: data.active }, envelope.time),
    kinds: ['LOW_STOCK'],
  },
  productDeleted: {
    record: (tx, data: Data<'productDeleted'>) => tx.$executeRawUnsafe('update stock_levels set active = false where product_id = $1::uuid', data.productId),
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
