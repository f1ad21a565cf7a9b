import { randomUUID } from 'node:crypto';
import {
  Role,
  invalidInput,
  isUuid,
  notFound,
  recordEvents,
  requireRole,
  requireViewer,
  hasRole,
  type EventOrigin,
  type FieldProblem,
  type KeysetCursor,
  type Viewer,
} from '#kit';
import type { NotificationCategory, NotificationChannel, NotificationsDatabase } from '../database.js';
import { composeMessages, type ComposeDependencies } from '../intake/compose-messages.js';
import type { KnownUserStore } from '../lifecycle/known-user-store.js';
import { CATEGORIES, CHANNELS, isTransactional } from './categories.js';
import { notificationSentEvent } from './notification-events.js';
import type { Notification, NotificationStore } from './notification-store.js';
import { LOCALES, isLocale, type Locale } from '../templates/template.js';

export interface NotificationListArgs {
  first: number;
  after?: KeysetCursor;
  unreadOnly: boolean;
}

export interface BroadcastInput {
  title: string;
  body: string;
  audience: 'EVERYONE' | 'CUSTOMERS' | 'SUPPLIERS' | 'COURIERS';
  channels?: NotificationChannel[] | null;
}

const audienceRole = { EVERYONE: null, CUSTOMERS: Role.CUSTOMER, SUPPLIERS: Role.SUPPLIER, COURIERS: Role.COURIER } as const;

/** Users per transaction when a broadcast is written. */
const BROADCAST_BATCH = 500;

/** What the GraphQL API does; resolvers translate to and from it. */
export class NotificationService {
  constructor(
    private readonly client: NotificationsDatabase,
    private readonly notifications: NotificationStore,
    private readonly users: KnownUserStore,
    private readonly compose: ComposeDependencies,
  ) {}

  list(viewer: Viewer | null, args: NotificationListArgs) {
    return this.notifications.pageOf(requireViewer(viewer).userId, args);
  }

  /** The viewer's own notification; an admin may read anyone's. Not-yours answers NOT_FOUND like missing. */
  visible(viewer: Viewer | null, notification: Notification | null): Notification | null {
    const signedIn = requireViewer(viewer);
    if (notification === null) return null;
    return notification.userId === signedIn.userId || hasRole(signedIn, Role.ADMIN) ? notification : null;
  }

  async markRead(viewer: Viewer | null, id: string): Promise<Notification> {
    const { userId } = requireViewer(viewer);
    const read = isUuid(id) ? await this.notifications.markRead(userId, id, new Date()) : null;
    if (read === null) throw notFound('The notification');
    return read;
  }

  async preferences(viewer: Viewer | null) {
    const set = new Map(
      (await this.compose.preferences.of(requireViewer(viewer).userId)).map((row) => [`${row.channel}|${row.category}`, row.enabled]),
    );
    return CHANNELS.flatMap((channel) =>
      CATEGORIES.map((category) => {
        const locked = isTransactional(category);
        return { channel, category, locked, enabled: locked || (set.get(`${channel}|${category}`) ?? true) };
      }),
    );
  }

  async setPreference(viewer: Viewer | null, channel: NotificationChannel, category: NotificationCategory, enabled: boolean) {
    const { userId } = requireViewer(viewer);
    if (isTransactional(category) && !enabled) {
      throw invalidInput([{ field: 'enabled', message: `${category} notifications are transactional and cannot be switched off` }]);
    }
    const saved = await this.compose.preferences.set(userId, { channel, category, enabled });
    return { channel: saved.channel, category: saved.category, enabled: saved.enabled, locked: isTransactional(saved.category) };
  }

  locale(viewer: Viewer | null): Promise<Locale> {
    return this.compose.preferences.localeOf(requireViewer(viewer).userId);
  }

  /** The language later notifications are written in; those already written keep theirs. */
  async setLocale(viewer: Viewer | null, locale: string): Promise<Locale> {
    const { userId } = requireViewer(viewer);
    if (!isLocale(locale)) throw invalidInput([{ field: 'locale', message: `must be one of ${LOCALES.join(', ')}` }]);
    await this.compose.preferences.setLocale(userId, locale);
    return locale;
  }

  /**
   * Writes a MARKETING notification for every user of the audience, on the channels asked for
   * (in-app by default), in batches; in-app ones are announced at once, the rest go through
   * the delivery job like any other message.
   */
  async broadcast(
    viewer: Viewer | null,
    input: BroadcastInput,
    origin: EventOrigin,
  ): Promise<{ broadcastId: string; notificationCount: number }> {
    requireRole(viewer, Role.ADMIN);
    const title = input.title.trim();
    const body = input.body.trim();
    const channels: NotificationChannel[] = [...new Set(input.channels ?? ['IN_APP' as const])];
    const problems: FieldProblem[] = [];
    if (title.length < 1 || title.length > 120) problems.push({ field: 'input.title', message: 'must be 1 to 120 characters' });
    if (body.length < 1 || body.length > 2000) problems.push({ field: 'input.body', message: 'must be 1 to 2000 characters' });
    if (channels.length === 0) problems.push({ field: 'input.channels', message: 'must name at least one channel' });
    if (problems.length > 0) throw invalidInput(problems);

    const broadcastId = randomUUID();
    const userIds = await this.users.ids(audienceRole[input.audience]);
    let notificationCount = 0;
    for (let start = 0; start < userIds.length; start += BROADCAST_BATCH) {
      const batch = userIds.slice(start, start + BROADCAST_BATCH);
      notificationCount += await this.client.$transaction(async (transaction) => {
        const intents = batch.map((userId) => ({
          recipient: { userId },
          category: 'MARKETING' as const,
          template: 'broadcast' as const,
          channels,
          values: () => ({ title, body }),
        }));
        const messages = await composeMessages(this.compose, transaction, { id: broadcastId, type: 'broadcast' }, intents);
        const now = new Date();
        const written = await this.notifications.createMany(transaction, messages, now);
        await recordEvents(
          transaction,
          written.filter((row) => row.channel === 'IN_APP').flatMap((row) => notificationSentEvent(origin, row, now)),
        );
        return written.length;
      });
    }
    return { broadcastId, notificationCount };
  }
}
