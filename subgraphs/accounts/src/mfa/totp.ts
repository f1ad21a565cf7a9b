import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { base32Decode, base32Encode } from './base32.js';

/** The parameters every GasRápido authenticator uses; the provisioning URI states them. */
export const TOTP_DIGITS = 6;
export const TOTP_STEP_SECONDS = 30;
/** Codes of this many steps either side of now are accepted, for clocks that drift and slow typists. */
export const TOTP_WINDOW_STEPS = 1;
const ISSUER = 'GasRápido';

/** A new shared secret: 160 random bits (RFC 4226's recommended length), base32 without padding. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20), { padding: false });
}

/** The time step (RFC 6238's T) that a moment falls in. */
export function timeStep(atMs: number): number {
  return Math.floor(atMs / 1000 / TOTP_STEP_SECONDS);
}

/**
 * RFC 4226 HOTP with HMAC-SHA1: dynamic truncation of the MAC to 31 bits,
 * then the value modulo 10^digits, left-padded with zeros.
 */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The code a secret shows at a moment. */
export function totpCode(secret: string, atMs: number, digits = TOTP_DIGITS): string {
  return hotp(secretBytes(secret), timeStep(atMs), digits);
}

/**
 * The time step whose code `code` is, among the steps within the window
 * around `atMs` that are newer than `notBeforeStep`; undefined when none
 * matches. The caller stores the step and passes it next time, so a code,
 * once accepted, is never accepted again.
 */
export function matchTotp(secret: string, code: string, atMs: number, notBeforeStep: number | null): number | undefined {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  const key = secretBytes(secret);
  const presented = Buffer.from(code);
  const now = timeStep(atMs);
  let matched: number | undefined;
  // Every candidate is compared, in constant time, so the timing does not tell which step matched.
  for (let step = now - TOTP_WINDOW_STEPS; step <= now + TOTP_WINDOW_STEPS; step += 1) {
    const fresh = notBeforeStep === null || step > notBeforeStep;
    if (timingSafeEqual(Buffer.from(hotp(key, step)), presented) && fresh && matched === undefined) matched = step;
  }
  return matched;
}

/**
 * The `otpauth://` URI (the de-facto Key Uri Format) an authenticator app
 * reads from a QR code. The label and issuer are percent-encoded UTF-8.
 */
export function provisioningUri(secret: string, accountName: string): string {
  const issuer = encodeURIComponent(ISSUER);
  const label = `${issuer}:${encodeURIComponent(accountName)}`;
  return `otpauth://totp/${label}?secret=${secret}&issuer=${issuer}&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_STEP_SECONDS}`;
}

function secretBytes(secret: string): Buffer {
  const bytes = base32Decode(secret);
  if (bytes === undefined || bytes.length === 0) throw new Error('TOTP secret is not base32');
  return bytes;
}
