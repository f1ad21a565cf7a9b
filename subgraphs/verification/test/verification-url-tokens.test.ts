import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UrlTokenSigner, type TokenGrant } from '../src/uploads/signed-token.js';

const secret = 'unit-test-upload-signing-secret';
const now = 1_800_000_000_000;
const signer = new UrlTokenSigner(secret, () => now);

const upload: TokenGrant = {
  purpose: 'upload',
  documentId: randomUUID(),
  userId: randomUUID(),
  documentType: 'PROOF_OF_ADDRESS',
  contentType: 'application/pdf',
  expiresAt: now / 1000 + 300,
};

/** Re-encodes a token's payload with some fields changed, keeping the original signature. */
function tampered(token: string, change: Record<string, unknown>): string {
  const [payload, signature] = token.split('.') as [string, string];
  const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${Buffer.from(JSON.stringify({ ...json, ...change })).toString('base64url')}.${signature}`;
}

describe('signed URL tokens', () => {
  it('round-trips an upload grant and a download grant', () => {
    expect(signer.verify(signer.sign(upload))).toEqual({ ok: true, grant: upload });
    const download: TokenGrant = { purpose: 'download', documentId: randomUUID(), expiresAt: now / 1000 + 60 };
    expect(signer.verify(signer.sign(download))).toEqual({ ok: true, grant: download });
  });

  it('is URL-safe as it stands', () => {
    expect(signer.sign(upload)).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('refuses a token whose payload was changed to another document, user or type', () => {
    const token = signer.sign(upload);
    expect(signer.verify(tampered(token, { d: randomUUID() }))).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(signer.verify(tampered(token, { u: randomUUID() }))).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(signer.verify(tampered(token, { c: 'image/png' }))).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(signer.verify(tampered(token, { e: upload.expiresAt + 86_400 }))).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuses a token whose signature was changed, cut short or made by another secret', () => {
    const token = signer.sign(upload);
    const [payload, signature] = token.split('.') as [string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(signer.verify(`${payload}.${flipped}`).ok).toBe(false);
    expect(signer.verify(`${payload}.${signature.slice(0, 20)}`)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(new UrlTokenSigner('another-secret-of-enough-length', () => now).verify(token)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuses malformed tokens without throwing', () => {
    for (const token of [null, '', 'abc', 'a.b.c', `${signer.sign(upload)}.extra`, 'not base64!.x']) {
      expect(signer.verify(token).ok).toBe(false);
    }
  });

  it('refuses a correctly signed payload that is not a grant', () => {
    const forged = new UrlTokenSigner(secret, () => now);
    const token = forged.sign({ ...upload, documentId: 'not-a-uuid' });
    expect(signer.verify(token)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('expires at the second it names, and says when', () => {
    const token = signer.sign(upload);
    const justBefore = new UrlTokenSigner(secret, () => upload.expiresAt * 1000 - 1);
    const atExpiry = new UrlTokenSigner(secret, () => upload.expiresAt * 1000);
    expect(justBefore.verify(token).ok).toBe(true);
    expect(atExpiry.verify(token)).toEqual({ ok: false, reason: 'EXPIRED', expiredAt: upload.expiresAt });
  });
});
