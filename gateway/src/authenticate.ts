import type { IncomingMessage } from 'node:http';
import {
  bearerToken,
  InvalidTokenError,
  refusedTokenError,
  unauthenticated,
  type AccessTokenVerifier,
  type Logger,
  type Viewer,
} from '#kit';

export interface Authentication {
  viewer: Viewer | null;
  accessToken: string | undefined;
}

/**
 * Verifies the caller's token before anything is planned or sent to a
 * subgraph. No token means an anonymous caller; a token that fails any check
 * fails the whole request with 401, so a client notices its broken session
 * instead of silently getting anonymous results.
 */
export async function authenticate(request: IncomingMessage, verifier: AccessTokenVerifier, logger: Logger): Promise<Authentication> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) return { viewer: null, accessToken: undefined };
  if (token === null) throw unauthenticated('The Authorization header must be `Bearer <access token>`.');
  try {
    return { viewer: await verifier.verify(token), accessToken: token };
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      logger.info({ reason: error.reason }, 'access token refused');
      throw refusedTokenError(error);
    }
    throw error;
  }
}
