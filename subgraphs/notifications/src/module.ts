import { remoteTokenVerifier, type SubgraphModule } from '#kit';
import { NOTIFICATIONS_DEFAULT_PORT, parseNotificationsSettings, type NotificationsProcessSettings } from './config.js';
import { NotificationsDatabase } from './database.js';
import { createNotificationsSubgraph, productionChannels } from './subgraph.js';
import { httpContactSource } from './contacts/http-contact-source.js';
import { NotificationEvents } from './events/index.js';

export const notificationsModule: SubgraphModule<NotificationsProcessSettings, NotificationsDatabase> = {
  name: 'notifications',
  environmentPrefix: 'NOTIFICATIONS',
  defaultPort: NOTIFICATIONS_DEFAULT_PORT,
  produces: NotificationEvents,
  PrismaClient: NotificationsDatabase,
  parseSettings: parseNotificationsSettings,
  assemble: async (database, settings, logger) => ({
    ...createNotificationsSubgraph(database, settings, logger, {
      channels: productionChannels(settings, logger),
      contactSource: httpContactSource(settings.accounts),
    }),
    tokenVerifier: remoteTokenVerifier(settings),
  }),
};
