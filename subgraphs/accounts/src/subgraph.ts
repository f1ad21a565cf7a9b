import {
  createAccessTokenVerifier,
  loadTypeDefs,
  prismaTransactions,
  sendJson,
  subgraphSchemaPath,
  type AccessTokenVerifier,
  type AssembledSubgraph,
  type Database,
  type IdentitySettings,
  type Logger,
  type SubgraphDefinition,
} from '#kit';
import { refreshTokenStore } from './credentials/refresh-token-store.js';
import type { ScryptCost } from './credentials/password-hasher.js';
import { SessionIssuer } from './credentials/session-issuer.js';
import type { AccountsDatabase } from './database.js';
import { mfaStatusLoader, userLoader, type AccountsContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { httpInvitationClaims, type HttpInvitationClaimsOptions } from './invitations/http-invitation-claims.js';
import type { InvitationClaims } from './invitations/invitation-claims.js';
import { expiredChallengeCleanup } from './mfa/expired-challenges.js';
import { MfaService } from './mfa/mfa-service.js';
import { mfaStore } from './mfa/mfa-store.js';
import { AccessTokenIssuer } from './signing/access-token-issuer.js';
import { KeyRing } from './signing/key-ring.js';
import { PrivateKeyCipher } from './signing/private-key-cipher.js';
import { signingKeyStore } from './signing/signing-key-store.js';
import { AccountService } from './users/account-service.js';
import { contactRoute } from './users/contact-route.js';
import { userStore } from './users/user-store.js';
import { verificationOutcomeConsumer } from './consumers/verification-outcomes.js';

export const JWKS_PATH = '/.well-known/jwks.json';

export interface AccountsSettings extends IdentitySettings {
  refreshTokenTtlSeconds: number;
  /** Seals signing keys, and (under a separately derived key) TOTP secrets. */
  signingKeyEncryptionSecret: string;
  /** How long a rotated-in key is published before it signs; must exceed verifiers' JWKS refresh interval. */
  signingKeyActivationDelaySeconds: number;
  /** Where registrations claim invitation codes. */
  invitations: HttpInvitationClaimsOptions;
  /** The private-network credential other services present on accounts' internal routes. */
  gatewaySecret: string;
  scryptCost?: ScryptCost;
}

export interface AccountsSubgraph extends AssembledSubgraph {
  definition: SubgraphDefinition<AccountsContext>;
  /** Verifies tokens against the key ring directly: accounts never fetches its own JWKS. */
  tokenVerifier: AccessTokenVerifier;
  keyRing: KeyRing;
  accounts: AccountService;
  mfa: MfaService;
  accessTokens: AccessTokenIssuer;
}

export interface AccountsDependencies {
  /** By default, the invitations service over HTTP at `settings.invitations`. */
  invitations?: InvitationClaims;
}

/** Assembles the accounts subgraph from its database and settings. Starts nothing. */
export async function createAccountsSubgraph(
  database: Database<AccountsDatabase>,
  settings: AccountsSettings,
  logger: Logger,
  dependencies: AccountsDependencies = {},
): Promise<AccountsSubgraph> {
  const keyRing = new KeyRing({
    store: signingKeyStore(database.client),
    cipher: new PrivateKeyCipher(settings.signingKeyEncryptionSecret),
    // A retired key must outlive every token it signed, plus clock skew.
    retentionMs: (settings.accessTokenTtlSeconds + 60) * 1000,
    activationDelayMs: settings.signingKeyActivationDelaySeconds * 1000,
  });
  await keyRing.initialise();
  const now = () => new Date();
  const users = userStore(database.client);
  const accessTokens = new AccessTokenIssuer(keyRing, {
    issuer: settings.issuer,
    audience: settings.audience,
    ttlSeconds: settings.accessTokenTtlSeconds,
  });
  const sessions = new SessionIssuer({
    users,
    refreshTokens: refreshTokenStore(database.client),
    accessTokens,
    refreshTokenTtlSeconds: settings.refreshTokenTtlSeconds,
    now,
  });
  const secondFactors = mfaStore(database.client);
  const mfa = new MfaService({
    store: secondFactors,
    users,
    sessions,
    cipher: new PrivateKeyCipher(settings.signingKeyEncryptionSecret, 'mfa-secrets'),
    now,
    accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
  });
  const accounts = new AccountService({
    users,
    sessions,
    mfa,
    invitations: dependencies.invitations ?? httpInvitationClaims(settings.invitations),
    logger,
    now,
    accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
    ...(settings.scryptCost ? { scryptCost: settings.scryptCost } : {}),
  });
  const definition: SubgraphDefinition<AccountsContext> = {
    name: 'accounts',
    typeDefs: loadTypeDefs(subgraphSchemaPath('accounts')),
    resolvers,
    createContext: (request) => ({
      ...request,
      accounts,
      mfa,
      users,
      keyRing,
      mfaMaxAgeSeconds: settings.mfaMaxAgeSeconds,
      userById: userLoader(users),
      mfaEnabled: mfaStatusLoader(mfa),
    }),
    routes: [
      {
        method: 'GET',
        path: JWKS_PATH,
        handle: async (_request, response) => sendJson(response, 200, await keyRing.jwks(), { 'cache-control': 'public, max-age=300' }),
      },
      contactRoute(users, settings.gatewaySecret),
    ],
    readiness: { database: () => database.ping() },
  };
  return {
    definition,
    publishesEvents: true,
    consumers: [verificationOutcomeConsumer(users, prismaTransactions(database.client), settings.accessTokenTtlSeconds)],
    jobs: [expiredChallengeCleanup(secondFactors)],
    tokenVerifier: createAccessTokenVerifier(keyRing, settings),
    keyRing,
    accounts,
    mfa,
    accessTokens,
  };
}
