import { decodeCursor, isUuid, pageSize, connection, type EventOrigin } from '#kit';
import type { NotificationCategory, NotificationChannel } from '../database.js';
import type { BroadcastInput } from '../notifications/notification-service.js';
import type { Notification } from '../notifications/notification-store.js';
import type { NotificationsContext } from './context.js';

interface PageArgs {
  first?: number | null;
  after?: string | null;
  unreadOnly?: boolean | null;
}

const origin = (context: NotificationsContext): EventOrigin => ({ source: 'notifications', correlationId: context.correlationId });

/** A malformed id cannot name a notification: it is answered like a missing one. */
const load = (context: NotificationsContext, id: string) => (isUuid(id) ? context.notificationById.load(id) : Promise.resolve(null));

export const resolvers = {
  Query: {
    notifications: async (_root: unknown, args: PageArgs, context: NotificationsContext) => {
      const after = decodeCursor(args.after);
      const page = await context.service.list(context.viewer, {
        first: pageSize(args.first),
        unreadOnly: args.unreadOnly ?? false,
        ...(after ? { after } : {}),
      });
      return connection(page.nodes, page.hasNextPage, page.totalCount);
    },
    notification: async (_root: unknown, { id }: { id: string }, context: NotificationsContext) =>
      context.service.visible(context.viewer, await load(context, id)),
    notificationPreferences: (_root: unknown, _args: unknown, context: NotificationsContext) => context.service.preferences(context.viewer),
    notificationLocale: (_root: unknown, _args: unknown, context: NotificationsContext) => context.service.locale(context.viewer),
  },
  Mutation: {
    markNotificationRead: (_root: unknown, { id }: { id: string }, context: NotificationsContext) =>
      context.service.markRead(context.viewer, id),
    setNotificationPreference: (
      _root: unknown,
      args: { channel: NotificationChannel; category: NotificationCategory; enabled: boolean },
      context: NotificationsContext,
    ) => context.service.setPreference(context.viewer, args.channel, args.category, args.enabled),
    setNotificationLocale: (_root: unknown, { locale }: { locale: string }, context: NotificationsContext) =>
      context.service.setLocale(context.viewer, locale),
    broadcastNotification: (_root: unknown, { input }: { input: BroadcastInput }, context: NotificationsContext) =>
      context.service.broadcast(context.viewer, input, origin(context)),
  },
  Notification: {
    __resolveReference: async (reference: { id: string }, context: NotificationsContext) =>
      context.viewer === null ? null : context.service.visible(context.viewer, await load(context, reference.id)),
    recipient: (notification: Notification) => (notification.userId === null ? null : { __typename: 'User', id: notification.userId }),
    read: (notification: Notification) => notification.readAt !== null,
    readAt: (notification: Notification) => notification.readAt?.toISOString() ?? null,
    sentAt: (notification: Notification) => notification.sentAt?.toISOString() ?? null,
    createdAt: (notification: Notification) => notification.createdAt.toISOString(),
  },
};
