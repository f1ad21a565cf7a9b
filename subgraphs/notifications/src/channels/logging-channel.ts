import type { Logger } from '#kit';
import type { DeliveryChannel } from './delivery-channel.js';

/**
 * The default SMS and push provider, and email's when no SMTP server is configured: it writes the
 * message to the log and reports success. A real provider (an SMS gateway, FCM/APNs) implements
 * the same port.
 */
export function loggingChannel(channel: 'EMAIL' | 'SMS' | 'PUSH', logger: Logger): DeliveryChannel {
  return {
    async send(message) {
      logger.info(
        { channel, notificationId: message.notificationId, to: message.to, subject: message.subject },
        'notification handed to the logging provider',
      );
    },
  };
}
