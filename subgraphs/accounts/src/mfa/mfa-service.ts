import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  appError,
  ErrorCode,
  forbidden,
  invalidInput,
  rateLimited,
  Role,
  SECOND_FACTOR_METHOD,
  unauthenticated,
  type EventOrigin,
} from '#kit';
import { verifyPassword } from '../credentials/password-hasher.js';
import { PASSWORD_METHOD, type Session, type SessionIssuer } from '../credentials/session-issuer.js';
import type { PrivateKeyCipher } from '../signing/private-key-cipher.js';
import { accessRevoked } from '../users/access-revocation.js';
import type { User, UserStore } from '../users/user-store.js';
import type { MfaStore, StoredFactor } from './mfa-store.js';
import { generateRecoveryCode, hashRecoveryCode, isRecoveryCodeShape, RECOVERY_CODE_COUNT } from './recovery-codes.js';
import { generateTotpSecret, matchTotp, provisioningUri } from './totp.js';

export const MFA_CHALLENGE_TTL_SECONDS = 5 * 60;
/** Wrong codes that burn one sign-in challenge. */
export const MFA_CHALLENGE_MAX_ATTEMPTS = 5;
/**
 * Wrong codes in a row, across challenges and step-ups, that lock the factor
 * for MFA_LOCK_SECONDS. A new challenge costs only the password, which a
 * guesser of second factors already has: the challenge limit alone would not stop them.
 */
export const MFA_MAX_CONSECUTIVE_FAILURES = 10;
export const MFA_LOCK_SECONDS = 15 * 60;

export interface MfaEnrolment {
  secret: string;
  provisioningUri: string;
}

export interface MfaChallenge {
  challengeToken: string;
  expiresIn: number;
  methods: Array<'TOTP' | 'RECOVERY_CODE'>;
}

export interface MfaServiceDependencies {
  store: MfaStore;
  users: UserStore;
  sessions: SessionIssuer;
  /** Seals TOTP secrets; each is bound to its user's id. */
  cipher: PrivateKeyCipher;
  now: () => Date;
  /** How long the access tokens turning MFA off withdraws may still be valid. */
  accessTokenTtlSeconds: number;
}

const hashChallengeToken = (token: string) => createHash('sha256').update(token).digest('hex');

const wrongCode = () =>
  invalidInput([{ field: 'code', message: 'is not the current code of your authenticator or an unused recovery code' }]);
const invalidChallenge = () =>
  unauthenticated('The sign-in challenge is invalid, expired or already used. Sign in with your password again.');
const mfaOff = () => appError(ErrorCode.CONFLICT, 'Multi-factor authentication is not on for this account.');

type CodeCheck = { ok: true } | { ok: false; replayed: boolean };

/** TOTP enrolment, second-factor sign-in, step-up and recovery codes. */
export class MfaService {
  constructor(private readonly deps: MfaServiceDependencies) {}

  async isEnabled(userId: string): Promise<boolean> {
    return (await this.deps.store.enabledAmong([userId])).has(userId);
  }

  enabledAmong(userIds: readonly string[]): Promise<Set<string>> {
    return this.deps.store.enabledAmong(userIds);
  }

  /** Starts (or restarts) an enrolment: a new secret that becomes active once a code from it is confirmed. */
  async begin(userId: string): Promise<MfaEnrolment> {
    const user = await this.signedInUser(userId);
    const secret = generateTotpSecret();
    if (!(await this.deps.store.savePending(user.id, this.deps.cipher.encrypt(secret, user.id)))) {
      throw appError(ErrorCode.CONFLICT, 'Multi-factor authentication is already on. Disable it first to enrol another authenticator.');
    }
    return { secret, provisioningUri: provisioningUri(secret, user.email) };
  }

  /** Turns MFA on with a code from the pending secret; returns recovery codes and a session with the second factor. */
  async confirm(userId: string, code: string): Promise<{ recoveryCodes: string[]; session: Session }> {
    const user = await this.signedInUser(userId);
    const factor = await this.deps.store.findFactor(user.id);
    if (factor === null) throw appError(ErrorCode.CONFLICT, 'No enrolment is pending: call beginMfaEnrolment first.');
    if (factor.confirmedAt !== null) throw appError(ErrorCode.CONFLICT, 'Multi-factor authentication is already on.');
    const now = this.deps.now();
    const step = matchTotp(this.secretOf(factor), code.trim(), now.getTime(), factor.lastUsedStep);
    if (step === undefined) throw wrongCode();
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    if (!(await this.deps.store.confirm(user.id, factor.encryptedSecret, step, recoveryCodes.map(hashRecoveryCode), now))) {
      throw appError(ErrorCode.CONFLICT, 'The enrolment changed meanwhile; start again with beginMfaEnrolment.');
    }
    return { recoveryCodes, session: await this.openSecondFactorSession(user, now) };
  }

  async regenerateRecoveryCodes(userId: string, code: string): Promise<string[]> {
    const user = await this.signedInUser(userId);
    await this.requireCode(user.id, await this.enabledFactor(user.id), code);
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    await this.deps.store.replaceRecoveryCodes(user.id, recoveryCodes.map(hashRecoveryCode));
    return recoveryCodes;
  }

  /** Turns MFA off after re-authentication with the password and a second factor. Admins must keep it. */
  async disable(userId: string, password: string, code: string, origin: EventOrigin): Promise<void> {
    const user = await this.signedInUser(userId);
    if (user.roles.includes(Role.ADMIN)) {
      throw forbidden('Admins must keep multi-factor authentication on. Another admin can remove your ADMIN role first.');
    }
    const factor = await this.enabledFactor(user.id);
    const attempt = await this.reserveAttempt(user.id);
    const passwordOk = await verifyPassword(password, user.passwordHash);
    const check = passwordOk ? await this.checkCode(user.id, factor, code) : { ok: false as const, replayed: false };
    if (!check.ok) {
      this.refuseIfNowLocked(attempt);
      throw appError(ErrorCode.BAD_USER_INPUT, 'The password or the code is incorrect.', {
        fields: [
          { field: 'password', message: 'must be your current password' },
          { field: 'code', message: 'must be the current code of your authenticator or an unused recovery code' },
        ],
      });
    }
    const at = this.deps.now();
    // Every session ends, access tokens included: those issued with the factor still say `otp`.
    await this.deps.store.remove(user.id, at, (changed) => [
      accessRevoked(changed, 'SIGNED_OUT_EVERYWHERE', at, this.deps.accessTokenTtlSeconds, origin),
    ]);
  }

  /** The first step of a sign-in with MFA on: the password was right, now a code is due. */
  async challenge(user: User): Promise<MfaChallenge> {
    const token = randomBytes(32).toString('base64url');
    await this.deps.store.createChallenge({
      id: randomUUID(),
      tokenHash: hashChallengeToken(token),
      userId: user.id,
      expiresAt: new Date(this.deps.now().getTime() + MFA_CHALLENGE_TTL_SECONDS * 1000),
    });
    return { challengeToken: token, expiresIn: MFA_CHALLENGE_TTL_SECONDS, methods: ['TOTP', 'RECOVERY_CODE'] };
  }

  /** The second step of a sign-in: a TOTP or recovery code against the challenge. */
  async completeSignIn(challengeToken: string, code: string): Promise<Session> {
    const now = this.deps.now();
    const attempt = await this.deps.store.countAttempt(hashChallengeToken(challengeToken), MFA_CHALLENGE_MAX_ATTEMPTS, now);
    if (attempt.kind === 'invalid') throw invalidChallenge();
    if (attempt.kind === 'exhausted') throw challengeBurned();
    const user = await this.deps.users.findById(attempt.userId);
    const factor = user === null ? null : await this.deps.store.findFactor(user.id);
    if (user === null || factor === null || factor.confirmedAt === null) throw invalidChallenge();
    const reserved = await this.reserveAttempt(user.id);
    const check = await this.checkCode(user.id, factor, code);
    if (!check.ok) {
      this.refuseIfNowLocked(reserved);
      const left = MFA_CHALLENGE_MAX_ATTEMPTS - attempt.attempts;
      if (left <= 0) throw challengeBurned();
      throw unauthenticated(
        `${check.replayed ? 'This code was already used; wait for the next one.' : 'The code is incorrect.'} ${left} ${left === 1 ? 'attempt' : 'attempts'} left for this sign-in.`,
      );
    }
    if (!(await this.deps.store.completeChallenge(attempt.challengeId, now))) throw invalidChallenge();
    return this.openSecondFactorSession(user, now);
  }

  /** A new session whose second factor is fresh, for operations that need recent MFA. */
  async stepUp(userId: string, code: string): Promise<Session> {
    const user = await this.signedInUser(userId);
    const factor = await this.deps.store.findFactor(user.id);
    if (factor === null || factor.confirmedAt === null) {
      throw appError(ErrorCode.MFA_REQUIRED, 'Enrol in multi-factor authentication first (beginMfaEnrolment, confirmMfaEnrolment).', {
        reason: 'ENROLMENT_REQUIRED',
      });
    }
    await this.requireCode(user.id, factor, code);
    return this.openSecondFactorSession(user, this.deps.now());
  }

  private openSecondFactorSession(user: User, at: Date): Promise<Session> {
    return this.deps.sessions.open(user, { amr: [PASSWORD_METHOD, SECOND_FACTOR_METHOD], authTime: at });
  }

  private async requireCode(userId: string, factor: StoredFactor, code: string): Promise<void> {
    const reserved = await this.reserveAttempt(userId);
    const check = await this.checkCode(userId, factor, code);
    if (check.ok) return;
    this.refuseIfNowLocked(reserved);
    if (check.replayed)
      throw invalidInput([{ field: 'code', message: 'was already used; wait for your authenticator to show the next one' }]);
    throw wrongCode();
  }

  /**
   * Accepts a TOTP code whose step is newer than the last accepted one, or an
   * unused recovery code, and spends it.
   */
  private async checkCode(userId: string, factor: StoredFactor, code: string): Promise<CodeCheck> {
    const trimmed = code.trim();
    if (isRecoveryCodeShape(trimmed)) {
      const used = await this.deps.store.useRecoveryCode(userId, hashRecoveryCode(trimmed), this.deps.now());
      if (used) await this.deps.store.clearFailures(userId);
      return used ? { ok: true } : { ok: false, replayed: false };
    }
    const secret = this.secretOf(factor);
    const at = this.deps.now().getTime();
    const step = matchTotp(secret, trimmed, at, factor.lastUsedStep);
    if (step === undefined) return { ok: false, replayed: matchTotp(secret, trimmed, at, null) !== undefined };
    // Conditional on the stored step: of two concurrent uses of one code, one wins.
    if (!(await this.deps.store.acceptStep(userId, step))) return { ok: false, replayed: true };
    await this.deps.store.clearFailures(userId);
    return { ok: true };
  }

  /**
   * Counts the attempt before its code is checked (refusing it while the
   * factor is locked), so however many guesses arrive at once, at most
   * MFA_MAX_CONSECUTIVE_FAILURES are checked per lock period.
   */
  private async reserveAttempt(userId: string): Promise<{ lockedUntil: Date | null }> {
    const now = this.deps.now();
    const reserved = await this.deps.store.reserveAttempt(
      userId,
      MFA_MAX_CONSECUTIVE_FAILURES,
      new Date(now.getTime() + MFA_LOCK_SECONDS * 1000),
      now,
    );
    if (reserved.kind === 'locked') throw lockedError(reserved.lockedUntil, now);
    return reserved;
  }

  /** A wrong code on the attempt that used up the run locks the factor: say so instead of "wrong code". */
  private refuseIfNowLocked(attempt: { lockedUntil: Date | null }): void {
    if (attempt.lockedUntil !== null) throw lockedError(attempt.lockedUntil, this.deps.now());
  }

  private async enabledFactor(userId: string): Promise<StoredFactor> {
    const factor = await this.deps.store.findFactor(userId);
    if (factor === null || factor.confirmedAt === null) throw mfaOff();
    return factor;
  }

  private async signedInUser(userId: string): Promise<User> {
    const user = await this.deps.users.findById(userId);
    // The token outlived its account (deleted meanwhile).
    if (user === null) throw unauthenticated('This account no longer exists.');
    return user;
  }

  private secretOf(factor: StoredFactor): string {
    return this.deps.cipher.decrypt(factor.encryptedSecret, factor.userId);
  }
}

function challengeBurned() {
  return unauthenticated(
    `Too many wrong codes: this sign-in was cancelled after ${MFA_CHALLENGE_MAX_ATTEMPTS} attempts. Sign in with your password again.`,
  );
}

function lockedError(until: Date, now: Date) {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return rateLimited(
    `Too many wrong codes in a row: second-factor checks for this account are paused for ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
    retryAfterSeconds,
  );
}
