import { describe, expect, it } from 'vitest';
import { passwordWeakness } from '../src/credentials/password-policy.js';

describe('passwordWeakness', () => {
  it.each(['Corr3ct-Horse-Battery', 'abcdefgh1!', 'ABCDEFGH1!', 'Abcdefgh12', 'Abcdefgh!?'])('accepts %j', (password) => {
    expect(passwordWeakness(password)).toBeUndefined();
  });

  it('refuses fewer than 10 characters and accepts exactly 10', () => {
    expect(passwordWeakness('Abcdef12!')).toBe('must be at least 10 characters long');
    expect(passwordWeakness('')).toBe('must be at least 10 characters long');
    expect(passwordWeakness('Abcdef12!x')).toBeUndefined();
  });

  it('refuses more than 256 characters and accepts exactly 256', () => {
    const base = 'Aa1!bcdefg';
    const long = base.repeat(26);
    expect(passwordWeakness(long.slice(0, 256))).toBeUndefined();
    expect(passwordWeakness(long.slice(0, 257))).toBe('must be at most 256 characters long');
  });

  it('refuses passwords that mix fewer than three kinds of character', () => {
    const message = 'must mix at least three of: lower-case letters, upper-case letters, digits, symbols';
    expect(passwordWeakness('password')).toBe('must be at least 10 characters long');
    expect(passwordWeakness('passwordpassword')).toBe(message);
    expect(passwordWeakness('Passwordpassword')).toBe(message);
    expect(passwordWeakness('password1234')).toBe(message);
    expect(passwordWeakness('1234567890!!')).toBe(message);
  });

  it('refuses passwords built from the same few characters', () => {
    expect(passwordWeakness('Aa1Aa1Aa1Aa1')).toBe('must not repeat the same few characters');
    expect(passwordWeakness('Aa1!Aa1!Aa1!')).toBe('must not repeat the same few characters');
    expect(passwordWeakness('Aa1!bAa1!bAa')).toBeUndefined();
  });

  it('refuses a password that contains the local part of the email', () => {
    expect(passwordWeakness('Xmaria.silva2026!', ['Maria.Silva@example.com'])).toBe('must not contain your name or email');
  });

  it('refuses a password that contains the name, whatever the case', () => {
    expect(passwordWeakness('!!JOAOZINHO99', ['Joaozinho'])).toBe('must not contain your name or email');
  });

  it('ignores personal values shorter than four characters', () => {
    expect(passwordWeakness('Ze-Ana-2026!', ['Ze', 'ana@example.com'])).toBeUndefined();
  });

  it('ignores empty personal values', () => {
    expect(passwordWeakness('Corr3ct-Horse-Battery', ['', ''])).toBeUndefined();
  });
});
