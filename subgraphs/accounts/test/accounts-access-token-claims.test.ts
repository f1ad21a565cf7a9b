import { describe, expect, it } from 'vitest';
import { createAccessTokenVerifier, hasRole, requireRecentMfa } from '#kit';
import { AccessTokenIssuer } from '../src/signing/access-token-issuer.js';
import { KeyRing } from '../src/signing/key-ring.js';
import { PrivateKeyCipher } from '../src/signing/private-key-cipher.js';
import type { SigningKeyStore, StoredSigningKey } from '../src/signing/signing-key-store.js';

/** The key ring's storage port, kept in memory: this test is about the claims, not the database. */
function memoryKeyStore(): SigningKeyStore {
  const keys: StoredSigningKey[] = [];
  return {
    listSince: async () => [...keys],
    insertAndRetireOthers: async (key) => {
      for (const existing of keys) existing.retiredAt ??= key.activatesAt;
      keys.unshift({ ...key, createdAt: new Date(), retiredAt: null });
    },
  };
}

const audience = { issuer: 'https://accounts.test', audience: 'gasrapido-test' };

async function issuerAndVerifier() {
  const keyRing = new KeyRing({
    store: memoryKeyStore(),
    cipher: new PrivateKeyCipher('key-encryption-secret-0123456789'),
    retentionMs: 60_000,
    activationDelayMs: 60_000,
  });
  await keyRing.initialise();
  return {
    issuer: new AccessTokenIssuer(keyRing, { ...audience, ttlSeconds: 900 }),
    verifier: createAccessTokenVerifier(keyRing, audience),
  };
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const admin = { id: '0b7e9a52-2f0e-4a8e-9a51-5f7d7c1e2d3a', roles: ['ADMIN' as const], verified: false };

describe('access tokens', () => {
  it('carry verified, amr and auth_time in seconds', async () => {
    const { issuer } = await issuerAndVerifier();
    const authTime = new Date('2026-11-21T10:00:00.000Z');
    const { token } = await issuer.issue({ ...admin, verified: true }, { amr: ['pwd', 'otp'], authTime });
    expect(claimsOf(token)).toMatchObject({
      sub: admin.id,
      roles: ['ADMIN'],
      verified: true,
      amr: ['pwd', 'otp'],
      auth_time: authTime.getTime() / 1000,
    });
  });

  it('with a second factor, read by the kit as an MFA session that holds admin powers', async () => {
    const { issuer, verifier } = await issuerAndVerifier();
    const authTime = new Date();
    const { token } = await issuer.issue(admin, { amr: ['pwd', 'otp'], authTime });
    const viewer = await verifier.verify(token);
    expect(viewer.mfaAuthenticatedAt).toBe(Math.floor(authTime.getTime() / 1000));
    expect(hasRole(viewer, 'ADMIN')).toBe(true);
    expect(() => requireRecentMfa(viewer, 900)).not.toThrow();
  });

  it('with a password only, read by the kit as a session without admin powers', async () => {
    const { issuer, verifier } = await issuerAndVerifier();
    const { token } = await issuer.issue(admin, { amr: ['pwd'], authTime: new Date() });
    const viewer = await verifier.verify(token);
    expect(viewer.mfaAuthenticatedAt).toBeNull();
    expect(hasRole(viewer, 'ADMIN')).toBe(false);
  });

  it('with an old second factor, refused for operations that need recent MFA', async () => {
    const { issuer, verifier } = await issuerAndVerifier();
    const { token } = await issuer.issue(admin, { amr: ['pwd', 'otp'], authTime: new Date(Date.now() - 16 * 60_000) });
    const viewer = await verifier.verify(token);
    expect(hasRole(viewer, 'ADMIN')).toBe(true);
    expect(() => requireRecentMfa(viewer, 900)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'MFA_REQUIRED', reason: 'STEP_UP_REQUIRED' }) }),
    );
  });

  it('carry the user’s verified flag for the kit', async () => {
    const { issuer, verifier } = await issuerAndVerifier();
    const courier = { id: '1c8f0b63-3a1f-4b9f-8b62-6a8e8d2f3e4b', roles: ['COURIER' as const] };
    expect(
      (await verifier.verify((await issuer.issue({ ...courier, verified: true }, { amr: ['pwd'], authTime: new Date() })).token)).verified,
    ).toBe(true);
    expect(
      (await verifier.verify((await issuer.issue({ ...courier, verified: false }, { amr: ['pwd'], authTime: new Date() })).token)).verified,
    ).toBe(false);
  });
});

describe('TOTP secrets at rest', () => {
  it('are sealed under a key of their own: a signing-key cipher with the same secret cannot open them', () => {
    const secret = 'key-encryption-secret-0123456789';
    const sealed = new PrivateKeyCipher(secret, 'mfa-secrets').encrypt('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', admin.id);
    expect(() => new PrivateKeyCipher(secret).decrypt(sealed, admin.id)).toThrow();
    expect(new PrivateKeyCipher(secret, 'mfa-secrets').decrypt(sealed, admin.id)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });

  it('are bound to their user: copied onto another user’s row, they do not decrypt', () => {
    const cipher = new PrivateKeyCipher('key-encryption-secret-0123456789', 'mfa-secrets');
    const sealed = cipher.encrypt('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', admin.id);
    expect(() => cipher.decrypt(sealed, '1c8f0b63-3a1f-4b9f-8b62-6a8e8d2f3e4b')).toThrow();
  });
});
