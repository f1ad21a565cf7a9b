import type { Logger } from '../logger.js';
import { consumerInstrumentation, type ConsumeOutcome } from '../observability/event-instrumentation.js';
import type { ServiceTelemetry } from '../observability/telemetry.js';
import { backoffDelay, sleep } from './backoff.js';
import type { z } from 'zod';
import type { EventDefinition } from './event-definition.js';
import { parseEnvelope, type EventEnvelope } from './envelope.js';
import type { BusSubscription, EventBus, IncomingMessage } from './event-bus.js';
import { DEAD_LETTER_TOPIC } from './topics.js';
import { runAsBackgroundWork } from '../background-work.js';

export interface HandlerContext<Transaction> {
  /** The transaction the handler's effect must be written in: it also records the event as processed. */
  transaction: Transaction;
  envelope: EventEnvelope;
  logger: Logger;
}

/** What a handler is told about an event whose data fits its contract. */
export type HandlerAcceptance<Transaction> =
  { ok: true; handle(context: HandlerContext<Transaction>): Promise<void> } | { ok: false; reason: string };

/**
 * One event type a consumer handles: the producer's contract for it, and the
 * handling of data checked against that contract. Built by `on`, which keeps
 * the payload's type between the check and the handler.
 */
export interface EventHandler<Transaction> {
  readonly definition: EventDefinition;
  accept(envelope: EventEnvelope): HandlerAcceptance<Transaction>;
}

/** Handles events of `definition` with `handle`, which receives the payload as the contract's schema types it. */
export type On<Transaction> = <Schema extends z.ZodType>(
  definition: EventDefinition<Schema>,
  handle: (data: z.output<Schema>, context: HandlerContext<Transaction>) => Promise<void>,
) => EventHandler<Transaction>;

export function on<Schema extends z.ZodType, Transaction>(
  definition: EventDefinition<Schema>,
  handle: (data: z.output<Schema>, context: HandlerContext<Transaction>) => Promise<void>,
): EventHandler<Transaction> {
  return {
    definition,
    accept(envelope) {
      if (envelope.schemaVersion !== definition.version)
        return { ok: false, reason: `unsupported schema version ${envelope.schemaVersion} of ${envelope.type}` };
      const checked = definition.data.safeParse(envelope.data);
      if (!checked.success) {
        return {
          ok: false,
          reason: `data invalid for ${envelope.type}: ${checked.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
        };
      }
      return { ok: true, handle: (context) => handle(checked.data, context) };
    },
  };
}

/** The topics a consumer of these handlers reads: those of their events, each once. */
export function topicsOfHandlers<Transaction>(handlers: readonly EventHandler<Transaction>[]): string[] {
  return [...new Set(handlers.map((handler) => handler.definition.topic))];
}

/** How a consumer makes "effect + processed marker" atomic in its own database. */
export interface TransactionRunner<Transaction> {
  run<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
  /** Records the event for this consumer; false when it was recorded before (a duplicate). */
  markProcessed(transaction: Transaction, consumer: string, eventId: string): Promise<boolean>;
}

export interface EventConsumerOptions<Transaction> {
  /** The consumer's name: its group id on the bus and its key in processed_events. */
  name: string;
  bus: EventBus;
  /** One per event type; the consumer reads the topics of their events. */
  handlers: readonly EventHandler<Transaction>[];
  transactions: TransactionRunner<Transaction>;
  logger: Logger;
  /** Attempts before an event goes to the dead-letter topic. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Where the consumer's metrics go (gasrapido_event*); its spans are traced either way. */
  telemetry?: ServiceTelemetry;
}

export interface ConsumerStats {
  handled: number;
  duplicates: number;
  retries: number;
  deadLettered: number;
  ignored: number;
}

export interface EventConsumer {
  readonly name: string;
  stats(): Readonly<ConsumerStats>;
  lag(): number;
  stop(): Promise<void>;
}

/**
 * An idempotent consumer. Each event is handled in one database transaction
 * that also records its id, so a redelivered or duplicated event has no
 * second effect. A failing handler is retried with back-off; after the last
 * attempt, or at once for a malformed event, the event goes to the
 * dead-letter topic with the reason, and the consumer moves on: one poison
 * message never stops a partition.
 */
export async function startEventConsumer<Transaction>(options: EventConsumerOptions<Transaction>): Promise<EventConsumer> {
  const { name, bus, logger, transactions } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const stats: ConsumerStats = { handled: 0, duplicates: 0, retries: 0, deadLettered: 0, ignored: 0 };
  let stopping = false;
  const topics = topicsOfHandlers(options.handlers);
  const byType = new Map(options.handlers.map((handler) => [handler.definition.type, handler]));
  if (byType.size !== options.handlers.length) throw new Error(`consumer ${name} has two handlers for one event type`);
  const observed = consumerInstrumentation(name, topics, bus.kind, options.telemetry);

  async function deadLetter(message: IncomingMessage, reason: string, attempts: number): Promise<'dead_lettered'> {
    stats.deadLettered += 1;
    observed.deadLettered(message, attempts === 0 ? 'rejected' : 'handler_failed');
    logger.warn({ consumer: name, topic: message.topic, offset: message.offset, reason, attempts }, 'event sent to the dead-letter topic');
    await bus.publish([
      {
        topic: DEAD_LETTER_TOPIC,
        key: message.key ?? 'unkeyed',
        value: message.value ?? '',
        headers: {
          'x-dead-letter-reason': reason.slice(0, 1_000),
          'x-dead-letter-consumer': name,
          'x-original-topic': message.topic,
          'x-original-partition': String(message.partition),
          'x-original-offset': message.offset,
          'x-attempts': String(attempts),
        },
      },
    ]);
    return 'dead_lettered';
  }

  async function handle(message: IncomingMessage): Promise<void> {
    await runAsBackgroundWork(`consumer ${name}`, () => handleParsed(message));
  }

  async function handleParsed(message: IncomingMessage): Promise<void> {
    const parsed = parseEnvelope(message.value);
    if (!parsed.ok) {
      await observed.consume(message, undefined, () => deadLetter(message, parsed.reason, 0));
      return;
    }
    await observed.consume(message, parsed.envelope, () => handleEnvelope(message, parsed.envelope));
  }

  async function handleEnvelope(message: IncomingMessage, envelope: EventEnvelope): Promise<ConsumeOutcome> {
    const handler = byType.get(envelope.type);
    if (handler === undefined) {
      stats.ignored += 1;
      return 'ignored';
    }
    const accepted = handler.accept(envelope);
    if (!accepted.ok) return deadLetter(message, accepted.reason, 0);
    const eventLogger = logger.child({
      consumer: name,
      eventId: envelope.id,
      eventType: envelope.type,
      correlationId: envelope.correlationId,
    });
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = await transactions.run(async (transaction) => {
          if (!(await transactions.markProcessed(transaction, name, envelope.id))) return 'duplicate' as const;
          await accepted.handle({ transaction, envelope, logger: eventLogger });
          return 'handled' as const;
        });
        if (outcome === 'duplicate') stats.duplicates += 1;
        else stats.handled += 1;
        return outcome;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (attempt >= maxAttempts) return deadLetter(message, `handler failed ${attempt} times: ${reason}`, attempt);
        // A stopping consumer leaves the event unacknowledged: the next member handles it.
        if (stopping) throw error;
        stats.retries += 1;
        observed.retried(message);
        eventLogger.warn({ err: error, attempt }, 'event handler failed; retrying');
        await sleep(backoffDelay(attempt, options.retryBaseMs ?? 200, options.retryMaxMs ?? 10_000));
      }
    }
  }

  const subscription: BusSubscription = await bus.subscribe({ groupId: name, topics, fromBeginning: true, handle });
  const stopObservingLag = observed.observeLag(() => subscription.lag());
  return {
    name,
    stats: () => ({ ...stats }),
    lag: () => subscription.lag(),
    async stop() {
      stopping = true;
      stopObservingLag();
      await subscription.stop();
    },
  };
}
