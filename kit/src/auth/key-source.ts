import type { KeyObject } from 'node:crypto';

/** Where a verifier finds the public key for a token's `kid`. */
export interface KeySource {
  /** The public key with this id, or undefined when no such key is (or was recently) published. */
  publicKey(kid: string): Promise<KeyObject | undefined>;
}

/** One entry of a JWKS document, restricted to what RS256 needs. */
export interface RsaPublicJwk {
  kty: 'RSA';
  kid: string;
  use: 'sig';
  alg: 'RS256';
  n: string;
  e: string;
}

export interface JwksDocument {
  keys: RsaPublicJwk[];
}
