import { randomUUID } from 'node:crypto';
import { isUuid, recordEvents } from '#kit';
import type { AccountsDatabase } from '../database.js';
import type { EventsOf } from '../users/user-store.js';

export interface StoredFactor {
  userId: string;
  encryptedSecret: string;
  /** Null while the enrolment is pending. */
  confirmedAt: Date | null;
  lastUsedStep: number | null;
  lockedUntil: Date | null;
}

export interface NewChallenge {
  id: string;
  tokenHash: string;
  userId: string;
  expiresAt: Date;
}

export type ChallengeAttempt =
  | { kind: 'counted'; challengeId: string; userId: string; attempts: number }
  /** Every allowed attempt was spent on wrong codes. */
  | { kind: 'exhausted' }
  /** Unknown, expired or already used. */
  | { kind: 'invalid' };

/** Second-factor data: authenticator secrets, recovery codes and sign-in challenges. */
export interface MfaStore {
  findFactor(userId: string): Promise<StoredFactor | null>;
  /** Of the given users, those with MFA on. */
  enabledAmong(userIds: readonly string[]): Promise<Set<string>>;
  /** Stores a pending enrolment, replacing a pending one; false when MFA is already on. */
  savePending(userId: string, encryptedSecret: string): Promise<boolean>;
  /**
   * Turns MFA on with the step of the code that proved the enrolment and a
   * first set of recovery codes; false when no enrolment was pending (or the step was used).
   */
  /** Turns the pending secret on; false when it is no longer the secret the code was checked against. */
  confirm(userId: string, encryptedSecret: string, step: number, recoveryCodeHashes: readonly string[], now: Date): Promise<boolean>;
  /** Records an accepted TOTP step; false when that step (or a newer one) was accepted before. */
  acceptStep(userId: string, step: number): Promise<boolean>;
  /** Spends a recovery code; false when it is not one of the user's unused codes. */
  useRecoveryCode(userId: string, codeHash: string, now: Date): Promise<boolean>;
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<void>;
  /**
   * Counts an attempt before its code is checked, atomically with the lock
   * test, so concurrent guesses cannot outrun the limit: `locked` when the
   * factor is locked (nothing counted); otherwise the attempt is counted, and
   * the `maxFailures`-th in a row sets the lock (`lockedUntil`) for the
   * attempts that follow. A correct code then clears the count.
   */
  reserveAttempt(
    userId: string,
    maxFailures: number,
    lockUntil: Date,
    now: Date,
  ): Promise<{ kind: 'locked'; lockedUntil: Date } | { kind: 'counted'; lockedUntil: Date | null }>;
  /** A correct code ends a run of failures, and any lock its own attempt set. */
  clearFailures(userId: string): Promise<void>;
  /**
   * Removes the factor, its recovery codes and open challenges, revokes the
   * user's sessions and raises their access version, with the events built
   * from the updated user: a session (or access token) that proved the removed
   * factor must not keep counting as one with a second factor.
   */
  remove(userId: string, now: Date, events: EventsOf): Promise<void>;

  createChallenge(challenge: NewChallenge): Promise<void>;
  /**
   * Counts one attempt on a live challenge before its code is checked, so
   * concurrent guesses cannot exceed `maxAttempts` between them.
   */
  countAttempt(tokenHash: string, maxAttempts: number, now: Date): Promise<ChallengeAttempt>;
  /** Marks a challenge used; false when it was used meanwhile. */
  completeChallenge(challengeId: string, now: Date): Promise<boolean>;
  deleteChallengesExpiredBefore(before: Date): Promise<number>;
}

export function mfaStore(database: AccountsDatabase): MfaStore {
  return {
    async findFactor(userId) {
      if (!isUuid(userId)) return null;
      const row = await database.mfaFactor.findUnique({ where: { userId } });
      if (row === null) return null;
      return {
        userId: row.userId,
        encryptedSecret: row.encryptedSecret,
        confirmedAt: row.confirmedAt,
        lastUsedStep: row.lastUsedStep === null ? null : Number(row.lastUsedStep),
        lockedUntil: row.lockedUntil,
      };
    },
    async enabledAmong(userIds) {
      const rows = await database.mfaFactor.findMany({
        where: { userId: { in: userIds.filter(isUuid) }, confirmedAt: { not: null } },
        select: { userId: true },
      });
      return new Set(rows.map((row) => row.userId));
    },
    async savePending(userId, encryptedSecret) {
      // One statement, so a concurrent confirmation cannot be overwritten by a new pending secret.
      const written = await database.$executeRaw`
        insert into mfa_factors (user_id, encrypted_secret) values (${userId}::uuid, ${encryptedSecret})
        on conflict (user_id) do update
          set encrypted_secret = excluded.encrypted_secret, last_used_step = null, failed_attempts = 0,
              locked_until = null, created_at = now()
          where mfa_factors.confirmed_at is null`;
      return written === 1;
    },
    confirm: (userId, encryptedSecret, step, recoveryCodeHashes, now) =>
      database.$transaction(async (transaction) => {
        const { count } = await transaction.mfaFactor.updateMany({
          where: { userId, encryptedSecret, confirmedAt: null, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
          data: { confirmedAt: now, lastUsedStep: step, failedAttempts: 0, lockedUntil: null },
        });
        if (count === 0) return false;
        await transaction.mfaRecoveryCode.deleteMany({ where: { userId } });
        await transaction.mfaRecoveryCode.createMany({
          data: recoveryCodeHashes.map((codeHash) => ({ id: randomUUID(), userId, codeHash })),
        });
        return true;
      }),
    async acceptStep(userId, step) {
      const { count } = await database.mfaFactor.updateMany({
        where: { userId, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
        data: { lastUsedStep: step },
      });
      return count === 1;
    },
    async useRecoveryCode(userId, codeHash, now) {
      const { count } = await database.mfaRecoveryCode.updateMany({
        where: { userId, codeHash, usedAt: null },
        data: { usedAt: now },
      });
      return count === 1;
    },
    async replaceRecoveryCodes(userId, codeHashes) {
      await database.$transaction([
        database.mfaRecoveryCode.deleteMany({ where: { userId } }),
        database.mfaRecoveryCode.createMany({ data: codeHashes.map((codeHash) => ({ id: randomUUID(), userId, codeHash })) }),
      ]);
    },
    async reserveAttempt(userId, maxFailures, lockUntil, now) {
      const rows = await database.$queryRaw<Array<{ locked_until: Date | null }>>`
        update mfa_factors
          set failed_attempts = case when failed_attempts + 1 >= ${maxFailures} then 0 else failed_attempts + 1 end,
              locked_until = case when failed_attempts + 1 >= ${maxFailures} then ${lockUntil}::timestamptz else null end
          where user_id = ${userId}::uuid and (locked_until is null or locked_until <= ${now}::timestamptz)
          returning locked_until`;
      const counted = rows[0];
      if (counted !== undefined) return { kind: 'counted', lockedUntil: counted.locked_until };
      const factor = await database.mfaFactor.findUnique({ where: { userId }, select: { lockedUntil: true } });
      return { kind: 'locked', lockedUntil: factor?.lockedUntil ?? lockUntil };
    },
    async clearFailures(userId) {
      await database.mfaFactor.updateMany({ where: { userId }, data: { failedAttempts: 0, lockedUntil: null } });
    },
    async remove(userId, now, events) {
      await database.$transaction(async (transaction) => {
        await transaction.mfaLoginChallenge.deleteMany({ where: { userId } });
        await transaction.mfaRecoveryCode.deleteMany({ where: { userId } });
        await transaction.mfaFactor.deleteMany({ where: { userId } });
        await transaction.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
        const user = await transaction.user.update({ where: { id: userId }, data: { accessVersion: { increment: 1 } } });
        await recordEvents(transaction, events(user));
      });
    },

    async createChallenge(challenge) {
      await database.mfaLoginChallenge.create({ data: challenge });
    },
    async countAttempt(tokenHash, maxAttempts, now) {
      const { count } = await database.mfaLoginChallenge.updateMany({
        where: { tokenHash, usedAt: null, expiresAt: { gt: now }, attempts: { lt: maxAttempts } },
        data: { attempts: { increment: 1 } },
      });
      const row = await database.mfaLoginChallenge.findUnique({ where: { tokenHash } });
      if (row === null || row.usedAt !== null || row.expiresAt <= now) return { kind: 'invalid' };
      if (count === 0) return row.attempts >= maxAttempts ? { kind: 'exhausted' } : { kind: 'invalid' };
      return { kind: 'counted', challengeId: row.id, userId: row.userId, attempts: row.attempts };
    },
    async completeChallenge(challengeId, now) {
      const { count } = await database.mfaLoginChallenge.updateMany({ where: { id: challengeId, usedAt: null }, data: { usedAt: now } });
      return count === 1;
    },
    async deleteChallengesExpiredBefore(before) {
      const { count } = await database.mfaLoginChallenge.deleteMany({ where: { expiresAt: { lt: before } } });
      return count;
    },
  };
}
