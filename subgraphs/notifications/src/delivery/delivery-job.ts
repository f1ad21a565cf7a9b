import { randomUUID } from 'node:crypto';
import type { Logger, ScheduledJob } from '#kit';
import { PermanentDeliveryError, type DeliveryChannels } from '../channels/delivery-channel.js';
import type { DeliverySettings } from '../config.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import { notificationFailedEvent, notificationSentEvent } from '../notifications/notification-events.js';
import type { Notification, NotificationStore } from '../notifications/notification-store.js';
import { retryDelay } from './retry-delay.js';

/** Messages per sweep round; a backlog is worked off in several rounds. */
const BATCH = 50;

export interface DeliveryDependencies {
  notifications: NotificationStore;
  contacts: ContactDirectory;
  channels: DeliveryChannels;
  logger: Logger;
}

/**
 * Sends email, SMS and push messages that are due. Each is leased before sending (see
 * claimDue), so every instance can run this job. A failure schedules the next attempt with
 * exponential backoff; the last allowed attempt's failure makes the message FAILED and
 * publishes notification.failed. Success publishes notification.sent.
 */
export function deliveryJob(dependencies: DeliveryDependencies, settings: DeliverySettings): ScheduledJob {
  const { notifications, logger } = dependencies;
  return {
    name: 'notifications.delivery',
    intervalMs: settings.sweepMs,
    async run() {
      const origin = { source: 'notifications', correlationId: randomUUID() };
      for (;;) {
        const due = await notifications.claimDue(BATCH, settings.leaseMs);
        for (const notification of due) {
          const outcome = await attempt(dependencies, notification);
          const now = new Date();
          if (outcome === null) {
            await notifications.settle(notification, { status: 'SENT', at: now }, notificationSentEvent(origin, notification, now));
            continue;
          }
          const reason = outcome.message.slice(0, 500);
          const last = outcome.permanent || notification.attempts >= settings.maxAttempts;
          if (last) {
            await notifications.settle(
              notification,
              { status: 'FAILED', error: reason },
              notificationFailedEvent(origin, notification, reason, now),
            );
            logger.warn(
              { notificationId: notification.id, channel: notification.channel, attempts: notification.attempts, reason },
              'notification failed',
            );
          } else {
            const retryAt = new Date(now.getTime() + retryDelay(notification.attempts, settings.retryBaseMs, settings.retryMaxMs));
            await notifications.settle(notification, { status: 'PENDING', retryAt, error: reason }, []);
            logger.info(
              { notificationId: notification.id, attempts: notification.attempts, retryAt, reason },
              'notification delivery will be retried',
            );
          }
        }
        if (due.length < BATCH) return;
      }
    },
  };
}

/** Sends one message; null on success, otherwise why not and whether retrying could help. */
async function attempt(
  dependencies: DeliveryDependencies,
  notification: Notification,
): Promise<{ message: string; permanent: boolean } | null> {
  if (notification.channel === 'IN_APP') return null;
  try {
    const to = await addressOf(dependencies.contacts, notification);
    await dependencies.channels[notification.channel].send({
      notificationId: notification.id,
      to,
      subject: notification.title,
      text: notification.body,
      locale: notification.locale,
    });
    return null;
  } catch (error) {
    return { message: error instanceof Error ? error.message : String(error), permanent: error instanceof PermanentDeliveryError };
  }
}

async function addressOf(contacts: ContactDirectory, notification: Notification): Promise<string> {
  if (notification.address !== null) return notification.address;
  if (notification.userId === null) throw new PermanentDeliveryError('no recipient');
  // Push providers know devices by user id.
  if (notification.channel === 'PUSH') return notification.userId;
  const contact = await contacts.lookup(notification.userId);
  if (contact === null) throw new PermanentDeliveryError('accounts does not know this user');
  const address = notification.channel === 'EMAIL' ? contact.email : contact.phone;
  if (address === null)
    throw new PermanentDeliveryError(`no ${notification.channel === 'EMAIL' ? 'email address' : 'phone number'} on file`);
  return address;
}
