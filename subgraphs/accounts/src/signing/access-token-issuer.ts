import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_VERSION_CLAIM, type Role } from '#kit';
import type { KeyRing } from './key-ring.js';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

/** How and when a session was authenticated; kept for the session's whole refresh family. */
export interface SessionAuthentication {
  /** RFC 8176 methods: `['pwd']`, or `['pwd', 'otp']` once a second factor was proven. */
  amr: readonly string[];
  /** When the session was authenticated: its second factor's time when `amr` holds `otp`. */
  authTime: Date;
}

/**
 * Signs access tokens with the key ring's current key. Claims: sub, roles,
 * verified, amr, auth_time (seconds), access_version, iss, aud, iat, exp, jti.
 */
export class AccessTokenIssuer {
  constructor(
    private readonly keys: KeyRing,
    private readonly settings: AccessTokenSettings,
  ) {}

  async issue(
    /** accessVersion: the user's as read with the roles; absent counts as 0, which any revocation refuses. */
    user: { id: string; roles: readonly Role[]; verified: boolean; accessVersion?: number },
    authentication: SessionAuthentication,
  ): Promise<IssuedAccessToken> {
    const { kid, privateKey } = await this.keys.signingKey();
    const claims = {
      roles: user.roles,
      verified: user.verified,
      amr: authentication.amr,
      auth_time: Math.floor(authentication.authTime.getTime() / 1000),
      [ACCESS_VERSION_CLAIM]: user.accessVersion ?? 0,
    };
    const token = jwt.sign(claims, privateKey, {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      keyid: kid,
      subject: user.id,
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      expiresIn: this.settings.ttlSeconds,
      jwtid: randomUUID(),
    });
    return { token, expiresIn: this.settings.ttlSeconds };
  }
}
