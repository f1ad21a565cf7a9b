import { eventConsumer, recordEvents, type ConsumerDefinition, type HandlerContext, type TransactionRunner } from '#kit';
import type { NotificationsTransaction } from '../database.js';
import { notificationSentEvent } from '../notifications/notification-events.js';
import type { NotificationStore } from '../notifications/notification-store.js';
import { composeMessages, type ComposeDependencies } from '../intake/compose-messages.js';
import { notificationRules, type Intent } from './notification-rules.js';

/**
 * Turns business events into notifications, in the consumer's transaction: the messages and
 * the processed marker commit together. In-app messages are delivered by being stored, so
 * their notification.sent goes into the outbox at once; the other channels wait for the
 * delivery job. The (event, recipient, channel) key makes a redelivery write nothing new.
 */
export function eventIntakeConsumer(
  dependencies: ComposeDependencies & { notifications: NotificationStore },
  transactions: TransactionRunner<NotificationsTransaction>,
): ConsumerDefinition {
  const write = async (intents: Intent[], { transaction: tx, envelope, logger }: HandlerContext<NotificationsTransaction>) => {
    if (intents.length === 0) return;
    const messages = await composeMessages(dependencies, tx, { id: envelope.id, type: envelope.type }, intents);
    const now = new Date();
    const written = await dependencies.notifications.createMany(tx, messages, now);
    const origin = { source: 'notifications', correlationId: envelope.correlationId };
    await recordEvents(
      tx,
      written.filter((row) => row.channel === 'IN_APP').flatMap((row) => notificationSentEvent(origin, row, now)),
    );
    if (written.length > 0)
      logger.info({ eventType: envelope.type, eventId: envelope.id, written: written.length }, 'notifications written');
  };
  return eventConsumer({
    name: 'notifications.intake',
    transactions,
    handlers: (on) => notificationRules.map((rule) => rule.handler(on, write)),
  });
}
