import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkCheck = { ok: true; reportId: string } | { ok: false; reason: 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' };

/**
 * Signed, expiring download links: `token = base64url(reportId.expiry).base64url(HMAC-SHA256)`.
 * Whoever holds the link may download that one report until it expires; nothing else.
 */
export class ReportLinkSigner {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  sign(reportId: string, expiresAtSeconds: number): string {
    const encoded = Buffer.from(`${reportId}.${expiresAtSeconds}`).toString('base64url');
    return `${encoded}.${this.mac(encoded).toString('base64url')}`;
  }

  verify(token: string | null): LinkCheck {
    const [encoded, signature, ...rest] = (token ?? '').split('.');
    if (!encoded || !signature || rest.length > 0) return { ok: false, reason: 'MALFORMED' };
    const expected = this.mac(encoded);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'BAD_SIGNATURE' };
    const [reportId, expiry] = Buffer.from(encoded, 'base64url').toString('utf8').split('.');
    const expiresAt = Number(expiry);
    if (!reportId || !Number.isInteger(expiresAt)) return { ok: false, reason: 'MALFORMED' };
    if (Math.floor(this.now() / 1000) >= expiresAt) return { ok: false, reason: 'EXPIRED' };
    return { ok: true, reportId };
  }

  private mac(encoded: string): Buffer {
    return createHmac('sha256', this.secret).update(`analytics-report:${encoded}`).digest();
  }
}
