import type { SubgraphModule } from '#kit';
import { ACCOUNTS_DEFAULT_PORT, parseAccountsSettings, type AccountsProcessSettings } from './config.js';
import { AccountsDatabase } from './database.js';
import { createAccountsSubgraph } from './subgraph.js';
import { UserEvents } from './events/index.js';

export const accountsModule: SubgraphModule<AccountsProcessSettings, AccountsDatabase> = {
  name: 'accounts',
  environmentPrefix: 'ACCOUNTS',
  defaultPort: ACCOUNTS_DEFAULT_PORT,
  produces: UserEvents,
  PrismaClient: AccountsDatabase,
  parseSettings: parseAccountsSettings,
  assemble: (database, settings, logger) => createAccountsSubgraph(database, settings, logger),
};
