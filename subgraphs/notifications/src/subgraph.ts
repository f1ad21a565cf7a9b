import {
  loadTypeDefs,
  prismaTransactions,
  subgraphSchemaPath,
  type AssembledSubgraph,
  type Database,
  type Logger,
  type SubgraphDefinition,
} from '#kit';
import type { DeliveryChannels } from './channels/delivery-channel.js';
import { loggingChannel } from './channels/logging-channel.js';
import { smtpEmailChannel } from './channels/smtp-email-channel.js';
import type { NotificationsSettings } from './config.js';
import { contactDirectory } from './contacts/contact-directory.js';
import type { ContactSource } from './contacts/contact-source.js';
import type { NotificationsDatabase } from './database.js';
import { deliveryJob } from './delivery/delivery-job.js';
import { notificationLoader, type NotificationsContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { eventIntakeConsumer } from './consumers/event-intake.js';
import { knownUserStore } from './lifecycle/known-user-store.js';
import { userDirectoryConsumer } from './consumers/user-directory.js';
import { NotificationService } from './notifications/notification-service.js';
import { notificationStore } from './notifications/notification-store.js';
import { preferenceStore } from './preferences/preference-store.js';
import { messageTemplates } from './templates/message-templates.js';
import { loadTemplates } from './templates/template.js';

export type NotificationsSubgraph = Omit<AssembledSubgraph, 'tokenVerifier'> & { definition: SubgraphDefinition<NotificationsContext> };

/** What the subgraph reaches the outside world through; tests pass their own. */
export interface NotificationsPorts {
  channels: DeliveryChannels;
  contactSource: ContactSource;
}

/** Email over SMTP when a server is configured; SMS and push (and email without one) through the logging provider. */
export function productionChannels(settings: NotificationsSettings, logger: Logger): DeliveryChannels {
  return {
    EMAIL: settings.smtp === null ? loggingChannel('EMAIL', logger) : smtpEmailChannel(settings.smtp),
    SMS: loggingChannel('SMS', logger),
    PUSH: loggingChannel('PUSH', logger),
  };
}

/** Assembles the notifications subgraph: schema, consumers and the delivery job. Starts nothing. */
export function createNotificationsSubgraph(
  database: Database<NotificationsDatabase>,
  settings: NotificationsSettings,
  logger: Logger,
  ports: NotificationsPorts,
): NotificationsSubgraph {
  // Malformed templates stop the service here, at start, with every problem listed.
  const templates = loadTemplates(messageTemplates);
  const notifications = notificationStore(database.client);
  const preferences = preferenceStore(database.client);
  const contacts = contactDirectory(database.client, ports.contactSource, settings.contactTtlSeconds);
  const users = knownUserStore(database.client);
  const compose = { templates, contacts, preferences };
  const service = new NotificationService(database.client, notifications, users, compose);
  const transactions = prismaTransactions(database.client);
  return {
    definition: {
      name: 'notifications',
      typeDefs: loadTypeDefs(subgraphSchemaPath('notifications')),
      resolvers,
      createContext: (request) => ({ ...request, service, notificationById: notificationLoader(notifications) }),
      readiness: { database: () => database.ping() },
    },
    publishesEvents: true,
    consumers: [
      eventIntakeConsumer({ ...compose, notifications }, transactions),
      userDirectoryConsumer({ users, contacts, notifications, preferences }, transactions),
    ],
    jobs: [deliveryJob({ notifications, contacts, channels: ports.channels, logger }, settings.delivery)],
  };
}
