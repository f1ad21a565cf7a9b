import nodemailer from 'nodemailer';
import type { DeliveryChannel, OutgoingMessage } from './delivery-channel.js';

export interface SmtpSettings {
  /** smtp://[user:pass@]host:port, or smtps:// for implicit TLS. */
  url: string;
  timeoutMs: number;
  /** The From header, e.g. `GasRápido <no-reply@gasrapido.example>`. */
  from: string;
}

/** Email through an SMTP server with nodemailer. One connection per message: volumes are low and a dead pool is worse. */
export function smtpEmailChannel(settings: SmtpSettings): DeliveryChannel {
  const transport = nodemailer.createTransport({
    url: settings.url,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  return {
    async send(message: OutgoingMessage) {
      await transport.sendMail({
        from: settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        headers: { 'X-GasRapido-Notification': message.notificationId, 'Content-Language': message.locale },
      });
    },
  };
}
