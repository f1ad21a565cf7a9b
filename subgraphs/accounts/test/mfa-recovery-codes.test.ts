import { describe, expect, it } from 'vitest';
import { base32Decode } from '../src/mfa/base32.js';
import { generateRecoveryCode, hashRecoveryCode, isRecoveryCodeShape, normaliseRecoveryCode } from '../src/mfa/recovery-codes.js';

describe('recovery codes', () => {
  it('carry 80 random bits as four groups of four base32 characters', () => {
    const code = generateRecoveryCode();
    expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    expect(base32Decode(normaliseRecoveryCode(code))).toHaveLength(10);
  });

  it('are different every time', () => {
    const codes = new Set(Array.from({ length: 200 }, generateRecoveryCode));
    expect(codes.size).toBe(200);
  });

  it('hash the same however they are typed: case, spaces and dashes do not matter', () => {
    const code = generateRecoveryCode();
    const variants = [code, code.toLowerCase(), code.replaceAll('-', ''), code.replaceAll('-', ' '), ` ${code} `];
    expect(new Set(variants.map(hashRecoveryCode)).size).toBe(1);
    expect(hashRecoveryCode(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(code)).not.toContain(normaliseRecoveryCode(code).toLowerCase());
  });

  it('are told apart from six-digit authenticator codes and typos', () => {
    expect(isRecoveryCodeShape(generateRecoveryCode())).toBe(true);
    expect(isRecoveryCodeShape('123456')).toBe(false);
    expect(isRecoveryCodeShape('ABCD-EFGH-IJKL')).toBe(false);
    expect(isRecoveryCodeShape('ABCD-EFGH-IJKL-MN01')).toBe(false);
  });
});
