import type { SubgraphModule } from '#kit';
import { parseAccountsSettings, type AccountsProcessSettings } from './config.js';
import { AccountsDatabase } from './database.js';
import { createAccountsSubgraph } from './subgraph.js';

export const accountsModule: SubgraphModule<AccountsProcessSettings, AccountsDatabase> = {
  name: 'accounts',
  environmentPrefix: 'ACCOUNTS',
  PrismaClient: AccountsDatabase,
  parseSettings: parseAccountsSettings,
  assemble: (database, settings) => createAccountsSubgraph(database, settings),
};
