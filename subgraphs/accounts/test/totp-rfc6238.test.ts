import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode } from '../src/mfa/base32.js';
import { generateTotpSecret, hotp, matchTotp, provisioningUri, timeStep, totpCode } from '../src/mfa/totp.js';

// RFC 6238 Appendix B: the SHA1 seed is the ASCII string "12345678901234567890".
const rfcSeed = Buffer.from('12345678901234567890', 'ascii');
const rfcSecret = base32Encode(rfcSeed, { padding: false });

// [unix seconds, 8-digit TOTP] from the SHA1 rows of the RFC's table.
const appendixB: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238, HMAC-SHA1)', () => {
  it.each(appendixB)('gives the RFC’s 8-digit value at T = %i s', (seconds, expected) => {
    expect(totpCode(rfcSecret, seconds * 1000, 8)).toBe(expected);
  });

  // The value is the truncated number modulo 10^digits (RFC 4226 §5.3), so 6 digits are the last 6 of the 8.
  it.each(appendixB)('gives the last six digits of the RFC’s value at T = %i s with 6 digits', (seconds, expected) => {
    expect(totpCode(rfcSecret, seconds * 1000)).toBe(expected.slice(-6));
  });

  it('matches the RFC 4226 Appendix D HOTP values for counters 0 to 9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(rfcSeed, counter))).toEqual(expected);
  });

  it('uses 30-second steps counted from the epoch', () => {
    expect(timeStep(0)).toBe(0);
    expect(timeStep(29_999)).toBe(0);
    expect(timeStep(30_000)).toBe(1);
    expect(timeStep(59_000)).toBe(1);
  });

  it('generates 160-bit secrets, different every time', () => {
    const first = generateTotpSecret();
    expect(first).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(first)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(first);
  });
});

describe('matching a presented code', () => {
  const now = 1_700_000_015_000;
  const step = timeStep(now);

  it('accepts the current step and one step either side, and says which step matched', () => {
    expect(matchTotp(rfcSecret, totpCode(rfcSecret, now), now, null)).toBe(step);
    expect(matchTotp(rfcSecret, totpCode(rfcSecret, now - 30_000), now, null)).toBe(step - 1);
    expect(matchTotp(rfcSecret, totpCode(rfcSecret, now + 30_000), now, null)).toBe(step + 1);
  });

  it('refuses codes two steps away', () => {
    expect(matchTotp(rfcSecret, totpCode(rfcSecret, now - 60_000), now, null)).toBeUndefined();
    expect(matchTotp(rfcSecret, totpCode(rfcSecret, now + 60_000), now, null)).toBeUndefined();
  });

  it('refuses a code whose step is not newer than the last accepted one, so a code works once', () => {
    const code = totpCode(rfcSecret, now);
    expect(matchTotp(rfcSecret, code, now, step)).toBeUndefined();
    expect(matchTotp(rfcSecret, code, now, step - 1)).toBe(step);
    expect(matchTotp(rfcSecret, totpCode(rfcSecret, now - 30_000), now, step - 1)).toBeUndefined();
  });

  it('refuses anything that is not six digits', () => {
    const code = totpCode(rfcSecret, now);
    expect(matchTotp(rfcSecret, `${code}0`, now, null)).toBeUndefined();
    expect(matchTotp(rfcSecret, code.slice(1), now, null)).toBeUndefined();
    expect(matchTotp(rfcSecret, 'abcdef', now, null)).toBeUndefined();
    expect(matchTotp(rfcSecret, '', now, null)).toBeUndefined();
  });
});

describe('the provisioning URI', () => {
  it('names the issuer and account, percent-encoded, with the algorithm, digits and period', () => {
    expect(provisioningUri('JBSWY3DPEHPK3PXP', 'ana@example.com')).toBe(
      'otpauth://totp/GasR%C3%A1pido:ana%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=GasR%C3%A1pido&algorithm=SHA1&digits=6&period=30',
    );
  });
});

describe('base32 (RFC 4648 §10 test vectors)', () => {
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ];

  it.each(vectors)('encodes %j as %j', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain, 'ascii'))).toBe(encoded);
  });

  it.each(vectors)('decodes %j back from %j', (plain, encoded) => {
    expect(base32Decode(encoded)?.toString('ascii')).toBe(plain);
  });

  it('leaves the padding out when asked', () => {
    expect(base32Encode(Buffer.from('foobar'), { padding: false })).toBe('MZXW6YTBOI');
  });

  it('forgives lower case, spaces and missing padding, as people type secrets', () => {
    expect(base32Decode('mzxw 6ytb oi')?.toString('ascii')).toBe('foobar');
  });

  it('refuses characters outside the alphabet', () => {
    expect(base32Decode('MZXW1YTB')).toBeUndefined();
    expect(base32Decode('MZXW6YT8')).toBeUndefined();
  });

  it('round-trips arbitrary bytes', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });
});
