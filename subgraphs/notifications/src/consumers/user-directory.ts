import { eventConsumer, type ConsumerDefinition, type TransactionRunner } from '#kit';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { NotificationsTransaction } from '../database.js';
import type { NotificationStore } from '../notifications/notification-store.js';
import type { PreferenceStore } from '../preferences/preference-store.js';
import type { KnownUserStore } from '../lifecycle/known-user-store.js';
import { UserEvents } from '../../../accounts/src/events/index.js';

/**
 * Follows accounts' users: who exists (for broadcasts), when their cached contact is stale
 * (email or phone changed), and erasure: a deleted user's messages, preferences and contact go.
 */
export function userDirectoryConsumer(
  stores: { users: KnownUserStore; contacts: ContactDirectory; notifications: NotificationStore; preferences: PreferenceStore },
  transactions: TransactionRunner<NotificationsTransaction>,
): ConsumerDefinition {
  return eventConsumer({
    name: 'notifications.user-directory',
    transactions,
    handlers: (on) => [
      on(UserEvents.created, async (data, { transaction }) => {
        const { userId, roles } = data;
        await stores.users.remember(transaction, userId, roles);
      }),
      on(UserEvents.updated, async (data, { transaction }) => {
        const { userId, roles, changed } = data;
        const tx = transaction;
        await stores.users.remember(tx, userId, roles);
        if (changed.includes('email') || changed.includes('phone')) await stores.contacts.forget(tx, userId);
      }),
      on(UserEvents.deleted, async (data, { transaction, logger }) => {
        const { userId } = data;
        const tx = transaction;
        await stores.users.forget(tx, userId);
        await stores.contacts.forget(tx, userId);
        await stores.preferences.deleteOf(tx, userId);
        const { count } = await stores.notifications.deleteOf(tx, userId);
        logger.info({ userId, notifications: count }, 'deleted user’s notifications erased');
      }),
    ],
  });
}
