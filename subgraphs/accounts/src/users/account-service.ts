import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appError, ErrorCode, Events, invalidInput, notFound, pendingEvent, Role, unauthenticated, type EventOrigin } from '#kit';
import { hashPassword, verifyAgainstDummy, verifyPassword, type ScryptCost } from '../credentials/password-hasher.js';
import type { NewRefreshToken, RefreshTokenStore } from '../credentials/refresh-token-store.js';
import type { AccessTokenIssuer } from '../signing/access-token-issuer.js';
import { DuplicateUserFieldError, type User, type UserStore } from './user-store.js';
import { normaliseEmail, validateProfile, type ProfileFields } from './user-input.js';

export interface Session {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: User;
}

export interface AccountServiceDependencies {
  users: UserStore;
  refreshTokens: RefreshTokenStore;
  accessTokens: AccessTokenIssuer;
  refreshTokenTtlSeconds: number;
  scryptCost?: ScryptCost;
  now?: () => Date;
}

const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

const invalidCredentials = () => unauthenticated('The email or password is incorrect.');
const invalidRefreshToken = () =>
  unauthenticated('The refresh token is invalid, expired or already used. Sign in again.');

/** Registration, sign-in, session rotation and profile changes: the accounts domain's write side. */
export class AccountService {
  private readonly now: () => Date;

  constructor(private readonly deps: AccountServiceDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  async register(input: ProfileFields & { role: Role }, origin: EventOrigin): Promise<Session> {
    const user = await this.createAccount(input, [input.role], origin);
    return this.openSession(user, randomUUID());
  }

  /** Creates an account with any roles; authorisation is the caller's job. */
  createAccount(input: ProfileFields, roles: Role[], origin: EventOrigin): Promise<User> {
    return createAccount(this.deps.users, input, roles, origin, this.deps.scryptCost);
  }

  async login(email: string, password: string): Promise<Session> {
    const user = await this.deps.users.findByEmail(normaliseEmail(email));
    if (user === null) {
      await verifyAgainstDummy(password);
      throw invalidCredentials();
    }
    if (!(await verifyPassword(password, user.passwordHash))) throw invalidCredentials();
    return this.openSession(user, randomUUID());
  }

  async refresh(refreshToken: string): Promise<Session> {
    const next = this.newRefreshToken();
    const outcome = await this.deps.refreshTokens.rotate(
      hashRefreshToken(refreshToken),
      (userId, familyId) => ({ ...next.row, userId, familyId }),
      this.now(),
    );
    if (outcome.kind !== 'rotated') throw invalidRefreshToken();
    const user = await this.deps.users.findById(outcome.userId);
    if (user === null) throw invalidRefreshToken();
    const access = await this.deps.accessTokens.issue(user);
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken: next.token, user };
  }

  logout(refreshToken: string): Promise<boolean> {
    return this.deps.refreshTokens.revokeFamilyOf(hashRefreshToken(refreshToken), this.now());
  }

  async updateProfile(userId: string, patch: ProfileFields, origin: EventOrigin): Promise<User> {
    const profile = validateProfile({ name: patch.name, email: patch.email, phone: patch.phone });
    const changed = (['name', 'email', 'phone'] as const).filter((field) => profile[field] !== undefined);
    try {
      const updated = await this.deps.users.update(userId, profile, (user) => [userUpdated(user, changed, origin)]);
      if (updated === null) throw notFound('User');
      return updated;
    } catch (error) {
      throw duplicateAsConflict(error);
    }
  }

  async setRoles(userId: string, roles: Role[], origin: EventOrigin): Promise<User> {
    if (roles.length === 0) throw invalidInput([{ field: 'roles', message: 'must hold at least one role' }]);
    const updated = await this.deps.users.update(userId, { roles: [...new Set(roles)] }, (user) => [
      userUpdated(user, ['roles'], origin),
    ]);
    if (updated === null) throw notFound('User');
    return updated;
  }

  /**
   * Deletes an account: personal data is anonymised at once, sessions are
   * revoked, and `user.deleted` tells every other service to forget the user.
   * Access tokens already issued stop working when they expire.
   */
  async deleteAccount(userId: string, origin: EventOrigin): Promise<void> {
    const deleted = await this.deps.users.markDeleted(userId, this.now(), (user) => [
      pendingEvent(Events.userDeleted, origin, user.id, { userId: user.id, roles: user.roles }),
    ]);
    if (deleted === null) throw notFound('User');
  }

  private async openSession(user: User, familyId: string): Promise<Session> {
    const next = this.newRefreshToken();
    await this.deps.refreshTokens.insert({ ...next.row, userId: user.id, familyId });
    const access = await this.deps.accessTokens.issue(user);
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken: next.token, user };
  }

  private newRefreshToken(): { token: string; row: Omit<NewRefreshToken, 'userId' | 'familyId'> } {
    const token = randomBytes(32).toString('base64url');
    return {
      token,
      row: {
        id: randomUUID(),
        tokenHash: hashRefreshToken(token),
        expiresAt: new Date(this.now().getTime() + this.deps.refreshTokenTtlSeconds * 1000),
      },
    };
  }
}

/**
 * Validates and stores a new account. Shared by registration, admins'
 * createUser and the admin bootstrap command.
 */
export async function createAccount(
  users: UserStore,
  input: ProfileFields,
  roles: Role[],
  origin: EventOrigin,
  scryptCost?: ScryptCost,
): Promise<User> {
  const profile = validateProfile(input);
  const missing = (['email', 'phone', 'name', 'password'] as const).filter((field) => profile[field] === undefined);
  if (missing.length > 0) {
    throw invalidInput(missing.map((field) => ({ field: `input.${field}`, message: 'is required' })));
  }
  if (roles.length === 0) throw invalidInput([{ field: 'input.roles', message: 'must hold at least one role' }]);
  const passwordHash = await hashPassword(profile.password!, scryptCost);
  try {
    return await users.create({
      id: randomUUID(),
      email: profile.email!,
      phone: profile.phone!,
      name: profile.name!,
      passwordHash,
      roles: [...new Set(roles)],
    }, (user) => [pendingEvent(Events.userCreated, origin, user.id, { userId: user.id, roles: user.roles, name: user.name })]);
  } catch (error) {
    throw duplicateAsConflict(error);
  }
}

function userUpdated(user: User, changed: Array<'name' | 'email' | 'phone' | 'roles'>, origin: EventOrigin) {
  return pendingEvent(Events.userUpdated, origin, user.id, { userId: user.id, roles: user.roles, name: user.name, changed });
}

function duplicateAsConflict(error: unknown): unknown {
  if (error instanceof DuplicateUserFieldError) {
    return appError(ErrorCode.CONFLICT, `This ${error.field} is already registered. Sign in instead, or use another ${error.field}.`, {
      fields: [{ field: `input.${error.field}`, message: 'is already registered' }],
    });
  }
  return error;
}

