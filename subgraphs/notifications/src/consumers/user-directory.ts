import { Events, type ConsumerDefinition, type EventData, type TransactionRunner } from '#kit';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { NotificationsTransaction } from '../database.js';
import type { NotificationStore } from '../notifications/notification-store.js';
import type { PreferenceStore } from '../preferences/preference-store.js';
import type { KnownUserStore } from './known-user-store.js';

/**
 * Follows accounts' users: who exists (for broadcasts), when their cached contact is stale
 * (email or phone changed), and erasure: a deleted user's messages, preferences and contact go.
 */
export function userDirectoryConsumer(
  stores: { users: KnownUserStore; contacts: ContactDirectory; notifications: NotificationStore; preferences: PreferenceStore },
  transactions: TransactionRunner<NotificationsTransaction>,
): ConsumerDefinition {
  return {
    name: 'notifications.user-directory',
    topics: [Events.userCreated.topic],
    transactions,
    handlers: {
      [Events.userCreated.type]: async (data, { transaction }) => {
        const { userId, roles } = data as EventData<typeof Events.userCreated>;
        await stores.users.remember(transaction as NotificationsTransaction, userId, roles);
      },
      [Events.userUpdated.type]: async (data, { transaction }) => {
        const { userId, roles, changed } = data as EventData<typeof Events.userUpdated>;
        const tx = transaction as NotificationsTransaction;
        await stores.users.remember(tx, userId, roles);
        if (changed.includes('email') || changed.includes('phone')) await stores.contacts.forget(tx, userId);
      },
      [Events.userDeleted.type]: async (data, { transaction, logger }) => {
        const { userId } = data as EventData<typeof Events.userDeleted>;
        const tx = transaction as NotificationsTransaction;
        await stores.users.forget(tx, userId);
        await stores.contacts.forget(tx, userId);
        await stores.preferences.deleteOf(tx, userId);
        const { count } = await stores.notifications.deleteOf(tx, userId);
        logger.info({ userId, notifications: count }, 'deleted user’s notifications erased');
      },
    },
  };
}
