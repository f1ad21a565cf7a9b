import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashTypedCode, invitationCodeHash, issueInvitationCode, normaliseInvitationCode } from '../src/codes/invitation-code.js';

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const shape = /^GR-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/;

/** A stand-in for randomBytes that returns the given bytes, to pin the encoding down. */
const fixedBytes = (bytes: number[]) => (size: number) => {
  expect(size).toBe(bytes.length);
  return Buffer.from(bytes);
};

describe('issueInvitationCode', () => {
  it('formats 20 Crockford base32 symbols in five groups after the GR prefix', () => {
    for (let i = 0; i < 200; i += 1) expect(issueInvitationCode().code).toMatch(shape);
  });

  it('encodes each random byte as the symbol of its low five bits', () => {
    const bytes = Array.from({ length: 20 }, (_, index) => index + 32 * (index % 8));
    const { code } = issueInvitationCode(fixedBytes(bytes));
    expect(code).toBe('GR-0123-4567-89AB-CDEF-GHJK');
  });

  it('uses every symbol of the alphabet and nothing else', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i += 1) for (const symbol of issueInvitationCode().code.slice(3).replace(/-/g, '')) seen.add(symbol);
    expect([...seen].sort().join('')).toBe(crockford);
  });

  it('never repeats a code in ten thousand draws', () => {
    const codes = new Set(Array.from({ length: 10_000 }, () => issueInvitationCode().code));
    expect(codes.size).toBe(10_000);
  });

  it('returns the SHA-256 of the canonical symbols as the hash, not the code itself', () => {
    const { code, codeHash } = issueInvitationCode();
    const symbols = code.slice(3).replace(/-/g, '');
    expect(codeHash).toBe(createHash('sha256').update(symbols).digest('hex'));
    expect(codeHash).not.toContain(symbols);
    expect(hashTypedCode(code)).toBe(codeHash);
  });
});

describe('normaliseInvitationCode', () => {
  const canonical = '7K3MQ9XA2HZDW4NBP8TE';

  it.each([
    ['GR-7K3M-Q9XA-2HZD-W4NB-P8TE'],
    ['gr-7k3m-q9xa-2hzd-w4nb-p8te'],
    ['  GR 7K3M Q9XA 2HZD W4NB P8TE  '],
    ['GR7K3MQ9XA2HZDW4NBP8TE'],
    ['7K3M-Q9XA-2HZD-W4NB-P8TE'],
    ['7k3mq9xa2hzdw4nbp8te'],
    ['GR--7K3M--Q9XA 2HZD-\tW4NB-P8TE'],
  ])('reads %j as the canonical code', (typed) => {
    expect(normaliseInvitationCode(typed)).toBe(canonical);
  });

  it('reads the letters people confuse with digits (I, L, O) as the digits', () => {
    expect(normaliseInvitationCode('GR-IL0O-0000-0000-0000-0000')).toBe('11000000000000000000');
  });

  it('keeps a leading GR that belongs to the code itself when no prefix was typed', () => {
    expect(normaliseInvitationCode('GR3M-Q9XA-2HZD-W4NB-P8TE')).toBe('GR3MQ9XA2HZDW4NBP8TE');
  });

  it.each([
    [''],
    ['GR-'],
    ['GR-7K3M-Q9XA-2HZD-W4NB-P8T'],
    ['GR-7K3M-Q9XA-2HZD-W4NB-P8TEE'],
    ['GR-7K3M-Q9XA-2HZD-W4NB-P8TU'],
    ['GR-7K3M-Q9XA-2HZD-W4NB-P8T!'],
    ['GR-7K3M_Q9XA_2HZD_W4NB_P8TE'],
    [`GR-7K3M-Q9XA-2HZD-W4NB-P8TE${' '.repeat(60)}`],
  ])('refuses %j', (typed) => {
    expect(normaliseInvitationCode(typed)).toBeUndefined();
    expect(hashTypedCode(typed)).toBeUndefined();
  });

  it('gives every way of typing one code the same hash', () => {
    const { code, codeHash } = issueInvitationCode();
    const typed = code.toLowerCase().replace(/-/g, ' ').replace(/^gr /, '');
    expect(hashTypedCode(typed)).toBe(codeHash);
    expect(invitationCodeHash(normaliseInvitationCode(typed)!)).toBe(codeHash);
  });
});
