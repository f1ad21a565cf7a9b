import {
  connection,
  decodeCursor,
  hasRole,
  pageSize,
  requireRole,
  requireSelfOrAdmin,
  requireViewer,
  Role,
  type EventOrigin,
} from '#kit';
import type { AccountsContext } from './context.js';
import type { User } from '../users/user-store.js';
import type { ProfileFields } from '../users/user-input.js';

interface RegisterArgs {
  input: ProfileFields & { role: Role };
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
const personal = (field: 'email' | 'phone') => (user: User, _args: unknown, context: AccountsContext) =>
  sessionOwners.has(user) ||
  (context.viewer !== null && (context.viewer.userId === user.id || hasRole(context.viewer, Role.ADMIN)))
    ? user[field]
    : null;

export const resolvers = {
  Query: {
    me: (_root: unknown, _args: unknown, context: AccountsContext) =>
      context.viewer === null ? null : context.userById.load(context.viewer.userId),
    user: async (_root: unknown, { id }: { id: string }, context: AccountsContext) => {
      requireRole(context.viewer, Role.ADMIN);
      return (await context.userById.load(id)) ?? null;
    },
    users: async (
      _root: unknown,
      args: { first?: number | null; after?: string | null; role?: Role | null },
      context: AccountsContext,
    ) => {
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
      context.accounts.register(input, origin(context)),
    login: (_root: unknown, { input }: LoginArgs, context: AccountsContext) =>
      context.accounts.login(input.email, input.password),
    refreshSession: (_root: unknown, { refreshToken }: { refreshToken: string }, context: AccountsContext) =>
      context.accounts.refresh(refreshToken),
    logout: (_root: unknown, { refreshToken }: { refreshToken: string }, context: AccountsContext) =>
      context.accounts.logout(refreshToken),
    updateProfile: (
      _root: unknown,
      { input, userId }: { input: ProfileFields; userId?: string | null },
      context: AccountsContext,
    ) => {
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
      requireRole(context.viewer, Role.ADMIN);
      return context.accounts.createAccount(input, input.roles, origin(context));
    },
    setUserRoles: (_root: unknown, { userId, roles }: { userId: string; roles: Role[] }, context: AccountsContext) => {
      requireRole(context.viewer, Role.ADMIN);
      return context.accounts.setRoles(userId, roles, origin(context));
    },
    rotateSigningKey: async (_root: unknown, _args: unknown, context: AccountsContext) => {
      requireRole(context.viewer, Role.ADMIN);
      const rotation = await context.keyRing.rotate();
      context.logger.info({ kid: rotation.kid, activatesAt: rotation.activatesAt }, 'signing key rotation scheduled');
      return { kid: rotation.kid, activatesAt: rotation.activatesAt.toISOString() };
    },
  },
  Session: {
    user: ({ user }: { user: User }) => {
      sessionOwners.add(user);
      return user;
    },
  },
  User: {
    __resolveReference: async (reference: { id: string }, context: AccountsContext) =>
      (await context.userById.load(reference.id)) ?? null,
    email: personal('email'),
    phone: personal('phone'),
    createdAt: (user: User) => user.createdAt.toISOString(),
  },
};

