import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { unauthenticated } from '#kit';
import type { AccessTokenIssuer, SessionAuthentication } from '../signing/access-token-issuer.js';
import type { User, UserStore } from '../users/user-store.js';
import type { NewRefreshToken, RefreshTokenStore } from './refresh-token-store.js';

export interface Session {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: User;
}

export const PASSWORD_METHOD = 'pwd';

const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

const invalidRefreshToken = () => unauthenticated('The refresh token is invalid, expired or already used. Sign in again.');

export interface SessionIssuerDependencies {
  users: UserStore;
  refreshTokens: RefreshTokenStore;
  accessTokens: AccessTokenIssuer;
  refreshTokenTtlSeconds: number;
  now: () => Date;
}

/**
 * Opens, rotates and closes sessions: an access token plus a single-use
 * refresh token whose family remembers how the session was authenticated.
 */
export class SessionIssuer {
  constructor(private readonly deps: SessionIssuerDependencies) {}

  /** A new session family for a user who just authenticated. */
  async open(user: User, authentication: SessionAuthentication): Promise<Session> {
    const next = this.newRefreshToken();
    await this.deps.refreshTokens.insert({
      ...next.row,
      userId: user.id,
      familyId: randomUUID(),
      amr: [...authentication.amr],
      authTime: authentication.authTime,
    });
    const access = await this.deps.accessTokens.issue(user, authentication);
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken: next.token, user };
  }

  /**
   * The next session of a family. Roles and `verified` are read from the user
   * again, so changes reach the token here; the authentication is the family's.
   */
  async refresh(refreshToken: string): Promise<Session> {
    const next = this.newRefreshToken();
    const outcome = await this.deps.refreshTokens.rotate(
      hashRefreshToken(refreshToken),
      (userId, familyId, authentication) => ({
        ...next.row,
        userId,
        familyId,
        amr: [...authentication.amr],
        authTime: authentication.authTime,
      }),
      this.deps.now(),
    );
    if (outcome.kind !== 'rotated') throw invalidRefreshToken();
    const user = await this.deps.users.findById(outcome.userId);
    if (user === null) throw invalidRefreshToken();
    const access = await this.deps.accessTokens.issue(user, outcome.authentication);
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken: next.token, user };
  }

  close(refreshToken: string): Promise<boolean> {
    return this.deps.refreshTokens.revokeFamilyOf(hashRefreshToken(refreshToken), this.deps.now());
  }

  private newRefreshToken(): { token: string; row: Pick<NewRefreshToken, 'id' | 'tokenHash' | 'expiresAt'> } {
    const token = randomBytes(32).toString('base64url');
    return {
      token,
      row: {
        id: randomUUID(),
        tokenHash: hashRefreshToken(token),
        expiresAt: new Date(this.deps.now().getTime() + this.deps.refreshTokenTtlSeconds * 1000),
      },
    };
  }
}
