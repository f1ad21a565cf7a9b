import { createHash, timingSafeEqual } from 'node:crypto';
import { forbidden } from './errors.js';

/**
 * The header through which the gateway proves to a subgraph that a request
 * came through it. Subgraphs refuse every GraphQL request without it, so
 * `_entities` and `_service` cannot be called from outside the private network.
 */
export const GATEWAY_CREDENTIAL_HEADER = 'x-gateway-credential';

/**
 * The caller's address as the gateway determined it (behind its trusted
 * proxies), for subgraphs that limit anonymous abuse such as guessing codes.
 * Trusted only on requests that carry the gateway credential.
 */
export const CLIENT_ADDRESS_HEADER = 'x-client-address';

export interface GatewayCredentialCheck {
  /** Throws FORBIDDEN unless the header holds the shared secret. */
  assert(header: string | string[] | undefined): void;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export function gatewayCredentialCheck(sharedSecret: string): GatewayCredentialCheck {
  const expected = digest(sharedSecret);
  return {
    assert(header) {
      // A repeated header is refused outright: only one credential can be the gateway's.
      // Comparing fixed-length digests keeps the comparison constant-time whatever the input length.
      if (typeof header !== 'string' || !timingSafeEqual(digest(header), expected)) {
        throw forbidden('This service accepts GraphQL requests only through the GasRápido gateway.');
      }
    },
  };
}
