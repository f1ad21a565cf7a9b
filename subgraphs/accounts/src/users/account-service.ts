import { randomUUID } from 'node:crypto';
import {
  appError,
  ErrorCode,
  invalidInput,
  notFound,
  pendingEvent,
  Role,
  unauthenticated,
  type EventOrigin,
  type Logger,
  type RevocationReason,
} from '#kit';
import { accessRevoked } from './access-revocation.js';
import { hashPassword, verifyAgainstDummy, verifyPassword, type ScryptCost } from '../credentials/password-hasher.js';
import { PASSWORD_METHOD, type Session, type SessionIssuer } from '../credentials/session-issuer.js';
import type { InvitationClaims, InvitedRole } from '../invitations/invitation-claims.js';
import { claimInvitation } from '../invitations/claim-invitation.js';
import type { MfaChallenge, MfaService } from '../mfa/mfa-service.js';
import { DuplicateUserFieldError, type NewUser, type User, type UserStore } from './user-store.js';
import { normaliseEmail, validateProfile, type ProfileFields } from './user-input.js';
import { UserEvents } from '../events/index.js';

export type { Session } from '../credentials/session-issuer.js';

export interface RegistrationInput extends ProfileFields {
  role: InvitedRole;
  invitationCode?: string | null;
}

export interface AccountServiceDependencies {
  users: UserStore;
  sessions: SessionIssuer;
  mfa: MfaService;
  invitations: InvitationClaims;
  logger: Logger;
  /** How long the access tokens a revocation withdraws may still be valid. */
  accessTokenTtlSeconds: number;
  scryptCost?: ScryptCost;
  now?: () => Date;
}

/** Suppliers and couriers join only by invitation; customers may bring a referral code. */
const rolesNeedingInvitation: ReadonlySet<InvitedRole> = new Set([Role.SUPPLIER, Role.COURIER] as const);

const invalidCredentials = () => unauthenticated('The email or password is incorrect.');

/** Registration, sign-in, session rotation and profile changes: the accounts domain's write side. */
export class AccountService {
  private readonly now: () => Date;

  constructor(private readonly deps: AccountServiceDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Registers a customer, supplier or courier. The input is validated (and
   * the password hashed) before an invitation use is claimed, so a typo does
   * not spend one; a claim whose account then cannot be stored is released.
   */
  async register(input: RegistrationInput, origin: EventOrigin, clientAddress: string | null): Promise<Session> {
    const code = input.invitationCode?.trim() ?? '';
    const missingCode =
      code.length === 0 && rolesNeedingInvitation.has(input.role)
        ? [
            {
              field: 'input.invitationCode',
              message: `is required to register as a ${input.role.toLowerCase()}; ask who invited you for the code`,
            },
          ]
        : [];
    const account = await prepareAccount(input, [input.role], this.deps.scryptCost, missingCode);
    if (code.length > 0) {
      const claim = await claimInvitation(this.deps.invitations, { code, userId: account.id, role: input.role, clientAddress });
      account.invitationId = claim.invitationId;
    }
    let user: User;
    try {
      user = await storeAccount(this.deps.users, account, origin);
    } catch (error) {
      if (account.invitationId) await this.releaseClaim(account.id);
      throw error;
    }
    return this.deps.sessions.open(user, { amr: [PASSWORD_METHOD], authTime: this.now() });
  }

  /** Creates an account with any roles; authorisation is the caller's job. */
  createAccount(input: ProfileFields, roles: Role[], origin: EventOrigin): Promise<User> {
    return createAccount(this.deps.users, input, roles, origin, this.deps.scryptCost);
  }

  /** A session, or, with MFA on, the challenge the second step answers. */
  async login(email: string, password: string): Promise<Session | MfaChallenge> {
    const user = await this.deps.users.findByEmail(normaliseEmail(email));
    if (user === null) {
      await verifyAgainstDummy(password);
      throw invalidCredentials();
    }
    if (!(await verifyPassword(password, user.passwordHash))) throw invalidCredentials();
    if (await this.deps.mfa.isEnabled(user.id)) return this.deps.mfa.challenge(user);
    return this.deps.sessions.open(user, { amr: [PASSWORD_METHOD], authTime: this.now() });
  }

  refresh(refreshToken: string): Promise<Session> {
    return this.deps.sessions.refresh(refreshToken);
  }

  logout(refreshToken: string): Promise<boolean> {
    return this.deps.sessions.close(refreshToken);
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

  /**
   * Replaces the user's roles. Removing one revokes the user's access tokens
   * (which still claim it) everywhere; adding one needs no more than a refresh.
   */
  async setRoles(userId: string, roles: Role[], origin: EventOrigin): Promise<User> {
    if (roles.length === 0) throw invalidInput([{ field: 'roles', message: 'must hold at least one role' }]);
    const wanted = [...new Set(roles)];
    const at = this.now();
    const updated = await this.deps.users.update(
      userId,
      { roles: wanted },
      (user, previous) => [
        userUpdated(user, ['roles'], origin),
        ...(user.accessVersion > previous.accessVersion ? [this.accessRevoked(user, 'ROLE_REMOVED', at, origin)] : []),
      ],
      (previous) => previous.roles.some((role) => !wanted.includes(role)),
    );
    if (updated === null) throw notFound('User');
    return updated;
  }

  /**
   * Deletes an account: personal data and second factors are erased at once,
   * sessions are revoked, `user.deleted` tells every other service to forget
   * the user, and `user.access_revoked` makes every service refuse the access
   * tokens already issued, within seconds.
   */
  async deleteAccount(userId: string, origin: EventOrigin): Promise<void> {
    const at = this.now();
    const deleted = await this.deps.users.markDeleted(userId, at, (user) => [
      pendingEvent(UserEvents.deleted, origin, user.id, { userId: user.id, roles: user.roles }),
      this.accessRevoked(user, 'ACCOUNT_DELETED', at, origin),
    ]);
    if (deleted === null) throw notFound('User');
  }

  /** Ends every session of the user: refresh tokens are revoked, and access tokens refused everywhere. */
  async signOutEverywhere(userId: string, origin: EventOrigin): Promise<void> {
    const at = this.now();
    const user = await this.deps.users.endAllSessions(userId, at, (changed) => [
      this.accessRevoked(changed, 'SIGNED_OUT_EVERYWHERE', at, origin),
    ]);
    if (user === null) throw notFound('User');
  }

  private accessRevoked(user: User, reason: RevocationReason, at: Date, origin: EventOrigin) {
    return accessRevoked(user, reason, at, this.deps.accessTokenTtlSeconds, origin);
  }

  private async releaseClaim(userId: string): Promise<void> {
    try {
      await this.deps.invitations.release(userId);
    } catch (error) {
      // The invitations service's timeout job releases unconfirmed claims anyway.
      this.deps.logger.warn({ userId, err: error }, 'could not release an invitation claim after a failed registration');
    }
  }
}

/**
 * Validates and stores a new account. Shared by admins' createUser and the
 * admin bootstrap command.
 */
export async function createAccount(
  users: UserStore,
  input: ProfileFields,
  roles: Role[],
  origin: EventOrigin,
  scryptCost?: ScryptCost,
): Promise<User> {
  return storeAccount(users, await prepareAccount(input, roles, scryptCost), origin);
}

/**
 * Checks every field (reporting all problems at once, with any the caller
 * adds) and hashes the password: everything that can fail before the account
 * is stored. The id is chosen here, so it can be promised to others first.
 */
async function prepareAccount(
  input: ProfileFields,
  roles: Role[],
  scryptCost: ScryptCost | undefined,
  otherProblems: Array<{ field: string; message: string }> = [],
): Promise<NewUser> {
  let profile: ReturnType<typeof validateProfile> = {};
  const problems = [...otherProblems];
  try {
    profile = validateProfile(input);
  } catch (error) {
    const fields = (error as { extensions?: { fields?: typeof problems } }).extensions?.fields;
    if (fields === undefined) throw error;
    problems.unshift(...fields);
  }
  for (const field of ['email', 'phone', 'name', 'password'] as const) {
    const given = input[field] !== undefined && input[field] !== null;
    if (!given) problems.push({ field: `input.${field}`, message: 'is required' });
  }
  if (roles.length === 0) problems.push({ field: 'input.roles', message: 'must hold at least one role' });
  if (problems.length > 0) throw invalidInput(problems);
  return {
    id: randomUUID(),
    email: profile.email!,
    phone: profile.phone!,
    name: profile.name!,
    passwordHash: await hashPassword(profile.password!, scryptCost),
    roles: [...new Set(roles)],
  };
}

async function storeAccount(users: UserStore, account: NewUser, origin: EventOrigin): Promise<User> {
  try {
    return await users.create(account, (user) => [
      pendingEvent(UserEvents.created, origin, user.id, { userId: user.id, roles: user.roles, name: user.name }),
    ]);
  } catch (error) {
    throw duplicateAsConflict(error);
  }
}

export function userUpdated(user: User, changed: Array<'name' | 'email' | 'phone' | 'roles' | 'verified'>, origin: EventOrigin) {
  return pendingEvent(UserEvents.updated, origin, user.id, { userId: user.id, roles: user.roles, name: user.name, changed });
}

function duplicateAsConflict(error: unknown): unknown {
  if (error instanceof DuplicateUserFieldError) {
    return appError(ErrorCode.CONFLICT, `This ${error.field} is already registered. Sign in instead, or use another ${error.field}.`, {
      fields: [{ field: `input.${error.field}`, message: 'is already registered' }],
    });
  }
  return error;
}
