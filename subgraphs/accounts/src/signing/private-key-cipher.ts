import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** What a sealed value protects; each purpose gets its own key from the one secret. */
export type CipherPurpose = 'signing-keys' | 'mfa-secrets';

/**
 * Encrypts secrets at rest (signing keys, TOTP secrets) with AES-256-GCM under
 * a key derived from the service's key-encryption secret and the purpose, so
 * a database dump alone cannot mint tokens or compute second factors, and a
 * value sealed for one purpose never opens for another. Associated data (the
 * owner's id) binds a sealed value to its row: copied onto another user's
 * row, it does not decrypt.
 */
export class PrivateKeyCipher {
  private readonly key: Buffer;

  constructor(secret: string, purpose: CipherPurpose = 'signing-keys') {
    this.key = createHash('sha256').update(`gasrapido-${purpose}:${secret}`).digest();
  }

  encrypt(plaintext: string, associatedData?: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
  }

  decrypt(sealed: string, associatedData?: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('unknown signing-key encryption format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}
