import type { NotificationCategory, NotificationChannel, NotificationsTransaction } from '../database.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import { isTransactional } from '../notifications/categories.js';
import type { NewNotification } from '../notifications/notification-store.js';
import type { PreferenceStore } from '../preferences/preference-store.js';
import type { TemplateKey } from '../templates/message-templates.js';
import { DEFAULT_LOCALE, type CompiledTemplate } from '../templates/template.js';
import type { Intent } from '../consumers/notification-rules.js';

export interface ComposeDependencies {
  templates: Readonly<Record<TemplateKey, CompiledTemplate>>;
  contacts: ContactDirectory;
  preferences: PreferenceStore;
}

/**
 * Renders intents into the messages to store: one per recipient and channel, in the
 * recipient's locale, without the channels the user switched off for a category that allows it.
 * Invitees have no account and no preferences; they are written to in the default locale.
 */
export async function composeMessages(
  dependencies: ComposeDependencies,
  transaction: NotificationsTransaction,
  event: { id: string; type: string },
  intents: readonly Intent[],
): Promise<NewNotification[]> {
  const userIds = [...new Set(intents.flatMap((intent) => ('userId' in intent.recipient ? [intent.recipient.userId] : [])))];
  const locales = await dependencies.preferences.localesOf(transaction, userIds);
  const disabled = new Set(
    (await dependencies.preferences.disabledFor(transaction, userIds)).map((row) => key(row.userId, row.channel, row.category)),
  );
  const messages: NewNotification[] = [];
  for (const intent of intents) {
    const template = dependencies.templates[intent.template];
    if ('userId' in intent.recipient) {
      const { userId } = intent.recipient;
      const locale = locales.get(userId) ?? DEFAULT_LOCALE;
      const text = template.render(locale, intent.values(locale));
      for (const channel of intent.channels) {
        if (!isTransactional(intent.category) && disabled.has(key(userId, channel, intent.category))) continue;
        messages.push({
          userId,
          address: null,
          eventId: event.id,
          eventType: event.type,
          category: intent.category,
          channel,
          ...text,
          locale,
        });
      }
    } else {
      const text = template.render(DEFAULT_LOCALE, intent.values(DEFAULT_LOCALE));
      const { address, channel } = intent.recipient;
      messages.push({
        userId: null,
        address,
        eventId: event.id,
        eventType: event.type,
        category: intent.category,
        channel,
        ...text,
        locale: DEFAULT_LOCALE,
      });
    }
  }
  return messages;
}

const key = (userId: string, channel: NotificationChannel, category: NotificationCategory) => `${userId}|${channel}|${category}`;
