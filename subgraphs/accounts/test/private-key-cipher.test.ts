import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PrivateKeyCipher } from '../src/signing/private-key-cipher.js';

const SECRET = 'key-encryption-secret-0123456789';
const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Flips one bit of the base64 part at `index` of a sealed value. */
function flipBit(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[index] = bytes.toString('base64');
  return parts.join('.');
}

describe('PrivateKeyCipher', () => {
  it('decrypts what it encrypted', () => {
    const cipher = new PrivateKeyCipher(SECRET);
    expect(cipher.decrypt(cipher.encrypt(pem))).toBe(pem);
    expect(cipher.decrypt(cipher.encrypt('Chave — ç ✓'))).toBe('Chave — ç ✓');
  });

  it('decrypts with another instance built from the same secret, as after a restart', () => {
    const sealed = new PrivateKeyCipher(SECRET).encrypt(pem);
    expect(new PrivateKeyCipher(SECRET).decrypt(sealed)).toBe(pem);
  });

  it('seals as v1.<iv>.<tag>.<ciphertext> without the plaintext in it', () => {
    const sealed = new PrivateKeyCipher(SECRET).encrypt(pem);
    const [version, iv, tag, body, ...rest] = sealed.split('.');
    expect(version).toBe('v1');
    expect(rest).toEqual([]);
    expect(Buffer.from(iv!, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64')).toHaveLength(16);
    expect(Buffer.from(body!, 'base64')).toHaveLength(Buffer.byteLength(pem));
    expect(sealed).not.toContain('PRIVATE KEY');
  });

  it('uses a fresh IV each time, so one key encrypts differently twice', () => {
    const cipher = new PrivateKeyCipher(SECRET);
    const first = cipher.encrypt(pem);
    const second = cipher.encrypt(pem);
    expect(first).not.toBe(second);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
  });

  it('cannot be decrypted under a different secret', () => {
    const sealed = new PrivateKeyCipher(SECRET).encrypt(pem);
    expect(() => new PrivateKeyCipher('another-secret-0123456789abcdef').decrypt(sealed)).toThrow();
  });

  it.each([
    ['ciphertext', 3],
    ['authentication tag', 2],
    ['IV', 1],
  ])('refuses a value whose %s was tampered with', (_part, index) => {
    const cipher = new PrivateKeyCipher(SECRET);
    const sealed = cipher.encrypt(pem);
    expect(() => cipher.decrypt(flipBit(sealed, index))).toThrow();
  });

  it('refuses a truncated ciphertext', () => {
    const cipher = new PrivateKeyCipher(SECRET);
    const [version, iv, tag, body] = cipher.encrypt(pem).split('.');
    const shorter = Buffer.from(body!, 'base64').subarray(0, 100).toString('base64');
    expect(() => cipher.decrypt([version, iv, tag, shorter].join('.'))).toThrow();
  });

  it('refuses an unknown format', () => {
    const cipher = new PrivateKeyCipher(SECRET);
    const [, iv, tag, body] = cipher.encrypt(pem).split('.');
    expect(() => cipher.decrypt(['v2', iv, tag, body].join('.'))).toThrow('unknown signing-key encryption format');
    expect(() => cipher.decrypt('not sealed')).toThrow('unknown signing-key encryption format');
    expect(() => cipher.decrypt(pem)).toThrow();
  });
});
