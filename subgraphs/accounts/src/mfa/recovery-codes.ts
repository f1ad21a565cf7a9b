import { createHash, randomBytes } from 'node:crypto';
import { base32Encode } from './base32.js';

export const RECOVERY_CODE_COUNT = 10;

/**
 * A recovery code: 80 random bits as 16 base32 characters in groups of four
 * (`7KQM-2XPA-D4NF-W9RT`). With that much entropy a fast hash is enough to
 * store it: nobody can search the space from a stolen hash.
 */
export function generateRecoveryCode(): string {
  return base32Encode(randomBytes(10), { padding: false }).match(/.{4}/g)!.join('-');
}

/** How a code is compared: case, spaces and dashes do not matter. */
export function normaliseRecoveryCode(code: string): string {
  return code.replace(/[\s-]+/g, '').toUpperCase();
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');
}

/** Whether a code looks like a recovery code at all (rather than a TOTP code or a typo). */
export function isRecoveryCodeShape(code: string): boolean {
  return /^[A-Z2-7]{16}$/.test(normaliseRecoveryCode(code));
}
