import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const DELIVERY_CODE_DIGITS = 6;

/**
 * The code the customer tells the courier at the door. It is derived from a secret and the
 * accepted offer, so it can be shown to the customer again without being stored; the database
 * keeps only its hash, against which the courier's attempt is checked.
 */
export function deliveryCode(secret: string, orderId: string, offerId: string): string {
  const digest = createHmac('sha256', secret).update(`delivery-code:${orderId}:${offerId}`).digest();
  // 48 bits reduced modulo 10^6: the bias is below one in 10^8.
  return (digest.readUIntBE(0, 6) % 10 ** DELIVERY_CODE_DIGITS).toString().padStart(DELIVERY_CODE_DIGITS, '0');
}

export const hashDeliveryCode = (code: string): string => createHash('sha256').update(code).digest('hex');

export function matchesDeliveryCode(given: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(given.trim()).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
