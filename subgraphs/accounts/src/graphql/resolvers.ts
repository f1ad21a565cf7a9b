import {
  connection,
  decodeCursor,
  hasRole,
  pageSize,
  requireRecentMfa,
  requireRole,
  requireSelfOrAdmin,
  requireViewer,
  Role,
  type EventOrigin,
} from '#kit';
import type { AccountsContext } from './context.js';
import type { User } from '../users/user-store.js';
import type { RegistrationInput } from '../users/account-service.js';
import type { ProfileFields } from '../users/user-input.js';

interface RegisterArgs {
  input: RegistrationInput;
}
interface LoginArgs {
  input: { email: string; password: string };
}
interface CreateUserArgs {
  input: ProfileFields & { roles: Role[] };
}

/** Events caused by this request carry its correlation id. */
const origin = (context: AccountsContext): EventOrigin => ({ source: 'accounts', correlationId: context.correlationId });

/**
 * Users returned inside a Session: the caller just proved they own the
 * account (registration, login, refresh) but holds no token in this request yet.
 */
const sessionOwners = new WeakSet<User>();

/** Personal fields are shown only to the user themself and to admins. */
const maySee = (user: User, context: AccountsContext) =>
  sessionOwners.has(user) || (context.viewer !== null && (context.viewer.userId === user.id || hasRole(context.viewer, Role.ADMIN)));

const personal = (field: 'email' | 'phone') => (user: User, _args: unknown, context: AccountsContext) =>
  maySee(user, context) ? user[field] : null;

type CodeArgs = { code: string };

export const resolvers = {
  Query: {
    me: (_root: unknown, _args: unknown, context: AccountsContext) =>
      context.viewer === null ? null : context.userById.load(context.viewer.userId),
    user: async (_root: unknown, { id }: { id: string }, context: AccountsContext) => {
      requireRole(context.viewer, Role.ADMIN);
      return (await context.userById.load(id)) ?? null;
    },
    users: async (_root: unknown, args: { first?: number | null; after?: string | null; role?: Role | null }, context: AccountsContext) => {
      requireRole(context.viewer, Role.ADMIN);
      const page = await context.users.list({
        first: pageSize(args.first),
        ...(args.after ? { after: decodeCursor(args.after) } : {}),
        ...(args.role ? { role: args.role } : {}),
      });
      return connection(page.users, page.hasNextPage, page.totalCount);
    },
  },
  Mutation: {
    register: (_root: unknown, { input }: RegisterArgs, context: AccountsContext) =>
      context.accounts.register(input, origin(context), context.clientAddress),
    login: (_root: unknown, { input }: LoginArgs, context: AccountsContext) => context.accounts.login(input.email, input.password),
    verifyMfaLogin: (_root: unknown, args: { challengeToken: string; code: string }, context: AccountsContext) =>
      context.mfa.completeSignIn(args.challengeToken, args.code),
    beginMfaEnrolment: (_root: unknown, _args: unknown, context: AccountsContext) =>
      context.mfa.begin(requireViewer(context.viewer).userId),
    confirmMfaEnrolment: (_root: unknown, { code }: CodeArgs, context: AccountsContext) =>
      context.mfa.confirm(requireViewer(context.viewer).userId, code),
    regenerateRecoveryCodes: (_root: unknown, { code }: CodeArgs, context: AccountsContext) =>
      context.mfa.regenerateRecoveryCodes(requireViewer(context.viewer).userId, code),
    disableMfa: async (_root: unknown, args: { password: string; code: string }, context: AccountsContext) => {
      const viewer = requireViewer(context.viewer);
      await context.mfa.disable(viewer.userId, args.password, args.code, origin(context));
      context.logger.info({ userId: viewer.userId }, 'multi-factor authentication disabled');
      return true;
    },
    stepUpMfa: (_root: unknown, { code }: CodeArgs, context: AccountsContext) =>
      context.mfa.stepUp(requireViewer(context.viewer).userId, code),
    refreshSession: (_root: unknown, { refreshToken }: { refreshToken: string }, context: AccountsContext) =>
      context.accounts.refresh(refreshToken),
    logout: (_root: unknown, { refreshToken }: { refreshToken: string }, context: AccountsContext) => context.accounts.logout(refreshToken),
    logoutEverywhere: async (_root: unknown, { userId }: { userId?: string | null }, context: AccountsContext) => {
      const viewer = requireViewer(context.viewer);
      const target = userId ?? viewer.userId;
      requireSelfOrAdmin(viewer, target, 'this user’s sessions');
      await context.accounts.signOutEverywhere(target, origin(context));
      context.logger.info({ userId: target }, 'every session ended');
      return true;
    },
    updateProfile: (_root: unknown, { input, userId }: { input: ProfileFields; userId?: string | null }, context: AccountsContext) => {
      const viewer = requireViewer(context.viewer);
      const target = userId ?? viewer.userId;
      requireSelfOrAdmin(viewer, target, 'this profile');
      return context.accounts.updateProfile(target, input, origin(context));
    },
    deleteAccount: async (_root: unknown, { userId }: { userId?: string | null }, context: AccountsContext) => {
      const viewer = requireViewer(context.viewer);
      const target = userId ?? viewer.userId;
      requireSelfOrAdmin(viewer, target, 'this account');
      await context.accounts.deleteAccount(target, origin(context));
      return true;
    },
    createUser: (_root: unknown, { input }: CreateUserArgs, context: AccountsContext) => {
      const admin = requireRole(context.viewer, Role.ADMIN);
      // Making an admin is a role change.
      if (input.roles.includes(Role.ADMIN)) requireRecentMfa(admin, context.mfaMaxAgeSeconds);
      return context.accounts.createAccount(input, input.roles, origin(context));
    },
    setUserRoles: (_root: unknown, { userId, roles }: { userId: string; roles: Role[] }, context: AccountsContext) => {
      requireRecentMfa(requireRole(context.viewer, Role.ADMIN), context.mfaMaxAgeSeconds);
      return context.accounts.setRoles(userId, roles, origin(context));
    },
    rotateSigningKey: async (_root: unknown, _args: unknown, context: AccountsContext) => {
      requireRole(context.viewer, Role.ADMIN);
      const rotation = await context.keyRing.rotate();
      context.logger.info({ kid: rotation.kid, activatesAt: rotation.activatesAt }, 'signing key rotation scheduled');
      return { kid: rotation.kid, activatesAt: rotation.activatesAt.toISOString() };
    },
  },
  LoginResult: {
    __resolveType: (result: object) => ('challengeToken' in result ? 'MfaChallenge' : 'Session'),
  },
  Session: {
    user: ({ user }: { user: User }) => {
      sessionOwners.add(user);
      return user;
    },
  },
  User: {
    __resolveReference: async (reference: { id: string }, context: AccountsContext) => (await context.userById.load(reference.id)) ?? null,
    email: personal('email'),
    phone: personal('phone'),
    mfaEnabled: (user: User, _args: unknown, context: AccountsContext) => (maySee(user, context) ? context.mfaEnabled.load(user.id) : null),
    createdAt: (user: User) => user.createdAt.toISOString(),
  },
};
