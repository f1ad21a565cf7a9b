import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_ALGORITHM, type Role } from '#kit';
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

/** Signs access tokens with the key ring's current key. Claims: sub, roles, iss, aud, iat, exp, jti. */
export class AccessTokenIssuer {
  constructor(
    private readonly keys: KeyRing,
    private readonly settings: AccessTokenSettings,
  ) {}

  async issue(user: { id: string; roles: readonly Role[] }): Promise<IssuedAccessToken> {
    const { kid, privateKey } = await this.keys.signingKey();
    const token = jwt.sign({ roles: user.roles }, privateKey, {
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
