import type { NotificationChannel } from '../database.js';

/** One message on its way out of the app. */
export interface OutgoingMessage {
  notificationId: string;
  /** An email address, an E.164 phone number, or for push the user id the provider knows devices by. */
  to: string;
  subject: string;
  text: string;
  locale: string;
}

/** A way out of the app. `send` resolves once the provider accepted the message and throws otherwise. */
export interface DeliveryChannel {
  send(message: OutgoingMessage): Promise<void>;
}

/** The channels the delivery job sends through; in-app messages are delivered by being stored. */
export type DeliveryChannels = Record<Exclude<NotificationChannel, 'IN_APP'>, DeliveryChannel>;

/** A failure retrying cannot mend (no address on file): the message fails at once. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}
