import type { AccountsDatabase } from '../database.js';
import type { SessionAuthentication } from '../signing/access-token-issuer.js';

export interface NewRefreshToken {
  id: string;
  tokenHash: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
  /** The family's authentication; a successor inherits it, so MFA recency decays across refreshes. */
  amr: string[];
  authTime: Date;
}

export type RotationOutcome =
  | { kind: 'rotated'; userId: string; authentication: SessionAuthentication }
  /** The token had already been used: somebody holds a copy, so the whole family was revoked. */
  | { kind: 'reused' }
  /** Unknown, expired or revoked. */
  | { kind: 'invalid' };

export interface RefreshTokenStore {
  insert(token: NewRefreshToken): Promise<void>;
  /**
   * Marks the presented token used and stores its successor in the same family,
   * atomically: of two concurrent uses of one token, exactly one rotates.
   */
  rotate(
    presentedHash: string,
    successor: (userId: string, familyId: string, authentication: SessionAuthentication) => NewRefreshToken,
    now: Date,
  ): Promise<RotationOutcome>;
  /** Revokes the family of the presented token; false when the token is unknown. */
  revokeFamilyOf(presentedHash: string, now: Date): Promise<boolean>;
}

export function refreshTokenStore(database: AccountsDatabase): RefreshTokenStore {
  return {
    async insert(token) {
      await database.refreshToken.create({ data: token });
    },
    rotate(presentedHash, successor, now) {
      return database.$transaction(async (tx) => {
        const claimed = await tx.refreshToken.updateMany({
          where: { tokenHash: presentedHash, rotatedAt: null, revokedAt: null, expiresAt: { gt: now } },
          data: { rotatedAt: now },
        });
        const token = await tx.refreshToken.findUnique({ where: { tokenHash: presentedHash } });
        if (token === null) return { kind: 'invalid' } as const;
        if (claimed.count === 1) {
          const authentication = { amr: token.amr, authTime: token.authTime };
          await tx.refreshToken.create({ data: successor(token.userId, token.familyId, authentication) });
          return { kind: 'rotated', userId: token.userId, authentication } as const;
        }
        if (token.rotatedAt !== null && token.revokedAt === null) {
          await tx.refreshToken.updateMany({ where: { familyId: token.familyId, revokedAt: null }, data: { revokedAt: now } });
          return { kind: 'reused' } as const;
        }
        return { kind: 'invalid' } as const;
      });
    },
    async revokeFamilyOf(presentedHash, now) {
      const token = await database.refreshToken.findUnique({ where: { tokenHash: presentedHash } });
      if (token === null) return false;
      await database.refreshToken.updateMany({ where: { familyId: token.familyId, revokedAt: null }, data: { revokedAt: now } });
      return true;
    },
  };
}
