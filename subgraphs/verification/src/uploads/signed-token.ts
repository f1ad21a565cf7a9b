import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * What an upload or download URL grants, signed so that the URL itself is the
 * credential: whoever holds it may do this one thing until it expires.
 */
export type TokenGrant =
  | { purpose: 'upload'; documentId: string; userId: string; documentType: string; contentType: string; expiresAt: number }
  | { purpose: 'download'; documentId: string; expiresAt: number };

/** Compact field names keep the URLs short. */
const payloadSchema = z.discriminatedUnion('p', [
  z.object({ p: z.literal('u'), d: z.uuid(), u: z.uuid(), t: z.string().min(1), c: z.string().min(1), e: z.number().int() }),
  z.object({ p: z.literal('d'), d: z.uuid(), e: z.number().int() }),
]);

export type TokenCheck =
  { ok: true; grant: TokenGrant } | { ok: false; reason: 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED'; expiredAt?: number };

/**
 * Signs and checks URL tokens: `base64url(JSON payload).base64url(HMAC-SHA256(payload))`.
 * Expiry is in seconds since the epoch.
 */
export class UrlTokenSigner {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  sign(grant: TokenGrant): string {
    const payload =
      grant.purpose === 'upload'
        ? { p: 'u', d: grant.documentId, u: grant.userId, t: grant.documentType, c: grant.contentType, e: grant.expiresAt }
        : { p: 'd', d: grant.documentId, e: grant.expiresAt };
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${encoded}.${this.mac(encoded).toString('base64url')}`;
  }

  verify(token: string | null): TokenCheck {
    if (token === null) return { ok: false, reason: 'MALFORMED' };
    const [encoded, signature, ...rest] = token.split('.');
    if (encoded === undefined || signature === undefined || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(signature)) {
      return { ok: false, reason: 'MALFORMED' };
    }
    const expected = this.mac(encoded);
    const given = Buffer.from(signature, 'base64url');
    // Checked before parsing anything: an attacker learns nothing from a forged payload's shape.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'BAD_SIGNATURE' };
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'MALFORMED' };
    }
    const parsed = payloadSchema.safeParse(json);
    if (!parsed.success) return { ok: false, reason: 'MALFORMED' };
    const payload = parsed.data;
    if (Math.floor(this.now() / 1000) >= payload.e) return { ok: false, reason: 'EXPIRED', expiredAt: payload.e };
    const grant: TokenGrant =
      payload.p === 'u'
        ? {
            purpose: 'upload',
            documentId: payload.d,
            userId: payload.u,
            documentType: payload.t,
            contentType: payload.c,
            expiresAt: payload.e,
          }
        : { purpose: 'download', documentId: payload.d, expiresAt: payload.e };
    return { ok: true, grant };
  }

  private mac(encodedPayload: string): Buffer {
    return createHmac('sha256', this.secret).update(encodedPayload).digest();
  }
}
