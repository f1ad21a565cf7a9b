import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ReportLinkSigner } from '../src/reports/report-links.js';

describe('report download links', () => {
  const reportId = randomUUID();
  let now = Date.parse('2026-11-22T02:00:00Z');
  const signer = new ReportLinkSigner('a-report-signing-secret', () => now);
  const expiresAt = Math.floor(now / 1000) + 300;

  it('grant the one report they were signed for until they expire', () => {
    expect(signer.verify(signer.sign(reportId, expiresAt))).toEqual({ ok: true, reportId });
    now += 299_000;
    expect(signer.verify(signer.sign(reportId, expiresAt))).toEqual({ ok: true, reportId });
    now += 1_000;
    expect(signer.verify(signer.sign(reportId, expiresAt))).toEqual({ ok: false, reason: 'EXPIRED' });
  });

  it('refuse a link whose report or expiry was changed, or that another secret signed', () => {
    const token = signer.sign(reportId, expiresAt + 10_000);
    const [, signature] = token.split('.');
    const forged = `${Buffer.from(`${randomUUID()}.${expiresAt + 10_000}`).toString('base64url')}.${signature}`;
    expect(signer.verify(forged)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(new ReportLinkSigner('another-secret-entirely', () => now).verify(token)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(signer.verify('garbage')).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(signer.verify(null)).toEqual({ ok: false, reason: 'MALFORMED' });
  });
});
