import {
  createAccessTokenVerifier,
  loadTypeDefs,
  sendJson,
  subgraphSchemaPath,
  type AccessTokenVerifier,
  type AssembledSubgraph,
  type Database,
  type IdentitySettings,
  type SubgraphDefinition,
} from '#kit';
import { refreshTokenStore } from './credentials/refresh-token-store.js';
import type { ScryptCost } from './credentials/password-hasher.js';
import type { AccountsDatabase } from './database.js';
import { userLoader, type AccountsContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { AccessTokenIssuer } from './signing/access-token-issuer.js';
import { KeyRing } from './signing/key-ring.js';
import { PrivateKeyCipher } from './signing/private-key-cipher.js';
import { signingKeyStore } from './signing/signing-key-store.js';
import { AccountService } from './users/account-service.js';
import { userStore } from './users/user-store.js';

export const JWKS_PATH = '/.well-known/jwks.json';

export interface AccountsSettings extends IdentitySettings {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  signingKeyEncryptionSecret: string;
  /** How long a rotated-in key is published before it signs; must exceed verifiers' JWKS refresh interval. */
  signingKeyActivationDelaySeconds: number;
  scryptCost?: ScryptCost;
}

export interface AccountsSubgraph extends AssembledSubgraph {
  definition: SubgraphDefinition<AccountsContext>;
  /** Verifies tokens against the key ring directly: accounts never fetches its own JWKS. */
  tokenVerifier: AccessTokenVerifier;
  keyRing: KeyRing;
  accounts: AccountService;
}

/** Assembles the accounts subgraph from its database and settings. Starts nothing. */
export async function createAccountsSubgraph(
  database: Database<AccountsDatabase>,
  settings: AccountsSettings,
): Promise<AccountsSubgraph> {
  const keyRing = new KeyRing({
    store: signingKeyStore(database.client),
    cipher: new PrivateKeyCipher(settings.signingKeyEncryptionSecret),
    // A retired key must outlive every token it signed, plus clock skew.
    retentionMs: (settings.accessTokenTtlSeconds + 60) * 1000,
    activationDelayMs: settings.signingKeyActivationDelaySeconds * 1000,
  });
  await keyRing.initialise();
  const users = userStore(database.client);
  const accounts = new AccountService({
    users,
    refreshTokens: refreshTokenStore(database.client),
    accessTokens: new AccessTokenIssuer(keyRing, {
      issuer: settings.issuer,
      audience: settings.audience,
      ttlSeconds: settings.accessTokenTtlSeconds,
    }),
    refreshTokenTtlSeconds: settings.refreshTokenTtlSeconds,
    ...(settings.scryptCost ? { scryptCost: settings.scryptCost } : {}),
  });
  const definition: SubgraphDefinition<AccountsContext> = {
    name: 'accounts',
    typeDefs: loadTypeDefs(subgraphSchemaPath('accounts')),
    resolvers,
    createContext: (request) => ({ ...request, accounts, users, keyRing, userById: userLoader(users) }),
    routes: [
      {
        method: 'GET',
        path: JWKS_PATH,
        handle: async (_request, response) =>
          sendJson(response, 200, await keyRing.jwks(), { 'cache-control': 'public, max-age=300' }),
      },
    ],
    readiness: { database: () => database.ping() },
  };
  return {
    definition,
    publishesEvents: true,
    tokenVerifier: createAccessTokenVerifier(keyRing, settings),
    keyRing,
    accounts,
  };
}
