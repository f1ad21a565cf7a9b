import { bearerToken } from '#kit';

/**
 * The access token a client sent in its `connection_init` payload: browsers
 * cannot set headers on a WebSocket, so the token travels in the protocol's
 * first message as `{ authorization: 'Bearer <jwt>' }` (the HTTP header's
 * form) or `{ token: '<jwt>' }`. Undefined when there is none or it is malformed.
 */
export function connectionToken(payload: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (payload === undefined) return undefined;
  const authorization = payload['authorization'] ?? payload['Authorization'];
  if (typeof authorization === 'string') return bearerToken(authorization) ?? undefined;
  const token = payload['token'];
  return typeof token === 'string' && /^\S+$/.test(token) ? token : undefined;
}
