import type { GraphQLError } from 'graphql';
import jwt from 'jsonwebtoken';
import { appError, ErrorCode, unauthenticated } from '../errors.js';
import { RemoteJwks } from './remote-jwks.js';
import type { KeySource } from './key-source.js';
import type { AccessRevocation, AccessRevocations } from './access-revocations.js';
import { isRole, type Viewer } from './viewer.js';

/** The only algorithm GasRápido access tokens are signed with. */
export const ACCESS_TOKEN_ALGORITHM = 'RS256';

/**
 * The `amr` value (RFC 8176) of a session that proved a one-time password; with it,
 * `auth_time` is when the code was entered.
 */
export const SECOND_FACTOR_METHOD = 'otp';

export interface TokenAudience {
  issuer: string;
  audience: string;
  /** Seconds of clock skew tolerated on exp, nbf and iat. */
  clockToleranceSeconds?: number;
}

/** Why a token was refused; logged, never shown to the client beyond a generic message. */
export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(`invalid access token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

/** The token was valid, but its subject's access was revoked after it was issued. */
export class RevokedTokenError extends InvalidTokenError {
  constructor(readonly revocation: AccessRevocation) {
    super(`revoked (${revocation.reason}) at ${revocation.revokedAt.toISOString()}`);
    this.name = 'RevokedTokenError';
  }
}

/**
 * The claim naming the user's access version when the token was issued:
 * accounts raises the version with every revocation, so a token issued
 * after it (even within the same second, which `iat` cannot tell) carries
 * the new one. Absent in tokens issued before revocations existed: version 0.
 */
export const ACCESS_VERSION_CLAIM = 'access_version';

export interface AccessTokenVerifier {
  /** Resolves to the viewer the token proves, or rejects with InvalidTokenError. */
  verify(token: string): Promise<Viewer>;
}

export function createAccessTokenVerifier(keys: KeySource, expected: TokenAudience): AccessTokenVerifier {
  const clockTolerance = expected.clockToleranceSeconds ?? 5;
  return {
    async verify(token) {
      const decoded = jwt.decode(token, { complete: true });
      if (decoded === null || typeof decoded.payload === 'string') throw new InvalidTokenError('not a JWT');
      const { alg, kid } = decoded.header;
      if (alg !== ACCESS_TOKEN_ALGORITHM) throw new InvalidTokenError(`algorithm ${String(alg)} is not accepted`);
      if (typeof kid !== 'string' || kid.length === 0) throw new InvalidTokenError('no key id');
      const key = await keys.publicKey(kid);
      if (key === undefined) throw new InvalidTokenError(`unknown key id ${kid}`);
      let payload: jwt.JwtPayload;
      try {
        const verified = jwt.verify(token, key, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: expected.issuer,
          audience: expected.audience,
          clockTolerance,
        });
        if (typeof verified === 'string') throw new InvalidTokenError('payload is not an object');
        payload = verified;
      } catch (error) {
        if (error instanceof InvalidTokenError) throw error;
        throw new InvalidTokenError(error instanceof Error ? error.message : 'verification failed');
      }
      const { sub, jti, exp, iat, roles, amr, auth_time: authTime, verified } = payload;
      if (typeof sub !== 'string' || sub.length === 0) throw new InvalidTokenError('no subject');
      if (typeof jti !== 'string') throw new InvalidTokenError('no token id');
      if (typeof exp !== 'number') throw new InvalidTokenError('no expiry');
      if (typeof iat !== 'number') throw new InvalidTokenError('no issue time');
      if (!Array.isArray(roles) || !roles.every(isRole)) throw new InvalidTokenError('roles claim is malformed');
      if (amr !== undefined && (!Array.isArray(amr) || !amr.every((method) => typeof method === 'string'))) {
        throw new InvalidTokenError('amr claim is malformed');
      }
      if (authTime !== undefined && typeof authTime !== 'number') throw new InvalidTokenError('auth_time claim is malformed');
      if (verified !== undefined && typeof verified !== 'boolean') throw new InvalidTokenError('verified claim is malformed');
      const accessVersion: unknown = payload[ACCESS_VERSION_CLAIM];
      if (accessVersion !== undefined && (typeof accessVersion !== 'number' || !Number.isInteger(accessVersion) || accessVersion < 0)) {
        throw new InvalidTokenError('access_version claim is malformed');
      }
      const secondFactor = Array.isArray(amr) && amr.includes(SECOND_FACTOR_METHOD) && typeof authTime === 'number';
      return {
        userId: sub,
        roles,
        tokenId: jti,
        issuedAt: iat,
        expiresAt: exp,
        mfaAuthenticatedAt: secondFactor ? authTime : null,
        verified: verified === true,
        ...(accessVersion === undefined ? {} : { accessVersion }),
      };
    },
  };
}

/** Extracts the token from an `Authorization: Bearer …` header; undefined when absent. */
export function bearerToken(header: string | undefined): string | undefined | null {
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * The verifier of every service but accounts: keys from accounts' JWKS document
 * at `jwksUrl`, cached and refetched at most every `jwksMinRefreshSeconds`.
 */
export function remoteTokenVerifier(settings: TokenAudience & { jwksUrl: string; jwksMinRefreshSeconds: number }): AccessTokenVerifier {
  return createAccessTokenVerifier(
    new RemoteJwks({ url: settings.jwksUrl, minRefreshIntervalMs: settings.jwksMinRefreshSeconds * 1000 }),
    settings,
  );
}

export interface RevocationPolicy {
  revocations: AccessRevocations;
  /**
   * ACCESS_TOKEN_TTL_SECONDS as this service knows it: revocations are kept (and
   * replayed) this long, so a token meant to live longer could outlive its
   * revocation here; it is refused, which makes a misconfiguration loud.
   */
  accessTokenTtlSeconds: number;
}

/**
 * A verifier that also refuses tokens whose subject's access was revoked
 * after they were issued (deleted, a role removed, verification withdrawn,
 * signed out everywhere), as the process's revocation feed knows them.
 */
export function refusingRevokedTokens(verifier: AccessTokenVerifier, policy: RevocationPolicy): AccessTokenVerifier {
  const lifetimeToleranceSeconds = 5;
  return {
    async verify(token) {
      const viewer = await verifier.verify(token);
      if (viewer.expiresAt - viewer.issuedAt > policy.accessTokenTtlSeconds + lifetimeToleranceSeconds) {
        throw new InvalidTokenError(
          `lifetime ${viewer.expiresAt - viewer.issuedAt} s exceeds ACCESS_TOKEN_TTL_SECONDS (${policy.accessTokenTtlSeconds})`,
        );
      }
      const revocation = policy.revocations.revocationOf(viewer.userId, viewer.accessVersion ?? 0);
      if (revocation !== undefined) throw new RevokedTokenError(revocation);
      return viewer;
    },
  };
}

/**
 * The error a client gets for a refused token, telling it what to do next. A
 * revoked token says so in `extensions.reason` (`TOKEN_REVOKED`): refreshing
 * helps after a change of roles or verification, signing in after the rest.
 */
export function refusedTokenError(error: InvalidTokenError): GraphQLError {
  if (!(error instanceof RevokedTokenError)) return unauthenticated('The access token is invalid or expired. Sign in again or refresh it.');
  const { reason } = error.revocation;
  const message =
    reason === 'ACCOUNT_DELETED' || reason === 'SIGNED_OUT_EVERYWHERE'
      ? 'This session was ended after the access token was issued (signed out everywhere, or the account was deleted). Sign in again.'
      : 'The account’s roles or verification changed after this access token was issued. Refresh the session (refreshSession) for a token that says what is true now.';
  return appError(ErrorCode.UNAUTHENTICATED, message, { reason: 'TOKEN_REVOKED' });
}
