import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { bearerToken, createAccessTokenVerifier, InvalidTokenError, type AccessTokenVerifier } from '../src/auth/access-token-verifier.js';
import type { KeySource } from '../src/auth/key-source.js';

const ISSUER = 'https://accounts.gasrapido.test';
const AUDIENCE = 'gasrapido-api';
const KID = 'signing-key-1';

const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A key source backed by a map, standing in for the accounts service's JWKS. */
class MapKeySource implements KeySource {
  lookups: string[] = [];
  constructor(private readonly keys: Map<string, KeyObject>) {}
  async publicKey(kid: string): Promise<KeyObject | undefined> {
    this.lookups.push(kid);
    return this.keys.get(kid);
  }
}

function verifier(keys = new MapKeySource(new Map([[KID, signing.publicKey]]))): AccessTokenVerifier {
  return createAccessTokenVerifier(keys, { issuer: ISSUER, audience: AUDIENCE });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

interface TokenOverrides {
  payload?: Record<string, unknown>;
  omit?: string[];
  key?: KeyObject;
  kid?: string | null;
}

/** Signs an RS256 access token like the accounts service does, with whatever changes a test needs. */
function token(overrides: TokenOverrides = {}): string {
  const now = nowSeconds();
  const payload: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-123',
    jti: 'token-456',
    iat: now,
    exp: now + 900,
    roles: ['CUSTOMER'],
    ...overrides.payload,
  };
  for (const claim of overrides.omit ?? []) delete payload[claim];
  const kid = overrides.kid === undefined ? KID : overrides.kid;
  return jwt.sign(payload, overrides.key ?? signing.privateKey, {
    algorithm: 'RS256',
    ...(kid === null ? {} : { keyid: kid }),
  });
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function validClaims() {
  const now = nowSeconds();
  return { iss: ISSUER, aud: AUDIENCE, sub: 'user-123', jti: 'token-456', iat: now, exp: now + 900, roles: ['ADMIN'] };
}

async function refusal(tokenText: string, source?: MapKeySource): Promise<InvalidTokenError> {
  const error: unknown = await verifier(source)
    .verify(tokenText)
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(InvalidTokenError);
  return error as InvalidTokenError;
}

describe('createAccessTokenVerifier', () => {
  it('turns a valid RS256 token into the viewer it proves', async () => {
    const exp = nowSeconds() + 600;
    const viewer = await verifier().verify(token({ payload: { sub: 'user-9', jti: 'jti-9', exp, roles: ['SUPPLIER', 'COURIER'] } }));
    expect(viewer).toEqual({
      userId: 'user-9',
      roles: ['SUPPLIER', 'COURIER'],
      tokenId: 'jti-9',
      issuedAt: expect.any(Number),
      expiresAt: exp,
      mfaAuthenticatedAt: null,
      verified: false,
    });
  });

  it('accepts a token with no roles', async () => {
    expect((await verifier().verify(token({ payload: { roles: [] } }))).roles).toEqual([]);
  });

  it('looks the key up by the token header key id', async () => {
    const source = new MapKeySource(new Map([[KID, signing.publicKey]]));
    await verifier(source).verify(token());
    expect(source.lookups).toEqual([KID]);
  });

  it('refuses an expired token', async () => {
    const error = await refusal(token({ payload: { iat: nowSeconds() - 1000, exp: nowSeconds() - 60 } }));
    expect(error.reason).toMatch(/expired/);
  });

  it('tolerates a few seconds of clock skew on expiry', async () => {
    await expect(verifier().verify(token({ payload: { exp: nowSeconds() - 2 } }))).resolves.toMatchObject({ userId: 'user-123' });
  });

  it('refuses a token that is not valid yet', async () => {
    const error = await refusal(token({ payload: { nbf: nowSeconds() + 300 } }));
    expect(error.reason).toMatch(/not active/);
  });

  it('refuses a token from another issuer', async () => {
    const error = await refusal(token({ payload: { iss: 'https://evil.example' } }));
    expect(error.reason).toMatch(/issuer/);
  });

  it('refuses a token for another audience', async () => {
    const error = await refusal(token({ payload: { aud: 'some-other-api' } }));
    expect(error.reason).toMatch(/audience/);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT', kid: KID })}.${b64(validClaims())}.`;
    const error = await refusal(unsigned);
    expect(error.reason).toMatch(/algorithm none/);
  });

  it('refuses an HS256 token whose HMAC secret is the public key PEM', async () => {
    const pem = signing.publicKey.export({ type: 'spki', format: 'pem' });
    const body = `${b64({ alg: 'HS256', typ: 'JWT', kid: KID })}.${b64(validClaims())}`;
    const forged = `${body}.${createHmac('sha256', pem).update(body).digest('base64url')}`;
    const error = await refusal(forged);
    expect(error.reason).toMatch(/algorithm HS256/);
  });

  it('refuses a token signed by a key other than the one its key id names', async () => {
    const error = await refusal(token({ key: stranger.privateKey }));
    expect(error.reason).toMatch(/signature/);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = token().split('.');
    const error = await refusal(`${header}.${b64({ ...validClaims(), sub: 'someone-else' })}.${signature}`);
    expect(error.reason).toMatch(/signature/);
  });

  it('refuses a token whose key id is unknown', async () => {
    const error = await refusal(token({ kid: 'retired-key' }));
    expect(error.reason).toBe('unknown key id retired-key');
  });

  it('refuses a token without a key id, without looking up a key', async () => {
    const source = new MapKeySource(new Map([[KID, signing.publicKey]]));
    const error = await refusal(token({ kid: null }), source);
    expect(error.reason).toBe('no key id');
    expect(source.lookups).toEqual([]);
  });

  it('refuses a token with an empty key id', async () => {
    expect((await refusal(token({ kid: '' }))).reason).toBe('no key id');
  });

  it('refuses a token whose roles claim is not an array', async () => {
    expect((await refusal(token({ payload: { roles: 'ADMIN' } }))).reason).toBe('roles claim is malformed');
  });

  it('refuses a token without a roles claim', async () => {
    expect((await refusal(token({ omit: ['roles'] }))).reason).toBe('roles claim is malformed');
  });

  it('refuses a token naming a role that does not exist', async () => {
    expect((await refusal(token({ payload: { roles: ['CUSTOMER', 'SUPERUSER'] } }))).reason).toBe('roles claim is malformed');
  });

  it('refuses a token without a subject', async () => {
    expect((await refusal(token({ omit: ['sub'] }))).reason).toBe('no subject');
    expect((await refusal(token({ payload: { sub: '' } }))).reason).toBe('no subject');
  });

  it('refuses a token without a token id', async () => {
    expect((await refusal(token({ omit: ['jti'] }))).reason).toBe('no token id');
  });

  it('refuses a token without an expiry', async () => {
    expect((await refusal(token({ omit: ['exp'] }))).reason).toBe('no expiry');
  });

  it('refuses text that is not a JWT', async () => {
    expect((await refusal('not-a-token')).reason).toBe('not a JWT');
    expect((await refusal(randomUUID())).reason).toBe('not a JWT');
  });

  it('reads a second factor from amr and auth_time', async () => {
    const provedAt = nowSeconds() - 60;
    const viewer = await verifier().verify(token({ payload: { amr: ['pwd', 'otp'], auth_time: provedAt, verified: true } }));
    expect(viewer.mfaAuthenticatedAt).toBe(provedAt);
    expect(viewer.verified).toBe(true);
  });

  it('treats a password-only session as having no second factor and an absent verified claim as unverified', async () => {
    const viewer = await verifier().verify(token({ payload: { amr: ['pwd'], auth_time: nowSeconds() } }));
    expect(viewer.mfaAuthenticatedAt).toBeNull();
    expect(viewer.verified).toBe(false);
  });

  it('ignores otp in amr without an auth_time', async () => {
    const viewer = await verifier().verify(token({ payload: { amr: ['pwd', 'otp'] } }));
    expect(viewer.mfaAuthenticatedAt).toBeNull();
  });

  it.each([
    ['amr is not an array', { amr: 'otp' }],
    ['amr holds a non-string', { amr: ['pwd', 7] }],
    ['auth_time is not a number', { amr: ['otp'], auth_time: 'yesterday' }],
    ['verified is not a boolean', { verified: 'yes' }],
  ])('refuses a token whose %s', async (_case, payload) => {
    await expect(verifier().verify(token({ payload }))).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('describes the refusal in its message and names the error', async () => {
    const error = await refusal(token({ kid: 'nope' }));
    expect(error.name).toBe('InvalidTokenError');
    expect(error.message).toBe('invalid access token: unknown key id nope');
  });
});

describe('bearerToken', () => {
  it('extracts the token from a Bearer header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('accepts any case of the scheme and surrounding whitespace', () => {
    expect(bearerToken('bearer x')).toBe('x');
    expect(bearerToken('BEARER   x  ')).toBe('x');
  });

  it('answers undefined when there is no header', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
  });

  it('answers null for a header that is not a single Bearer token', () => {
    expect(bearerToken('Basic x')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken('Bearer ')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken('x')).toBeNull();
  });
});
