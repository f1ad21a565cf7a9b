import { describe, expect, it } from 'vitest';
import {
  defaultScryptCost,
  hashPassword,
  verifyAgainstDummy,
  verifyPassword,
  type ScryptCost,
} from '../src/credentials/password-hasher.js';

// Cheap parameters keep the suite fast; one test below uses the production cost.
const cheap: ScryptCost = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'Corr3ct-Horse-Battery';

describe('password hashing', () => {
  it('verifies the password it hashed', async () => {
    const stored = await hashPassword(PASSWORD, cheap);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  });

  it('refuses a wrong password', async () => {
    const stored = await hashPassword(PASSWORD, cheap);
    expect(await verifyPassword('Corr3ct-Horse-Battery!', stored)).toBe(false);
    expect(await verifyPassword('corr3ct-horse-battery', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('stores scheme, cost, salt and hash as scrypt$N$r$p$salt$hash', async () => {
    const stored = await hashPassword(PASSWORD, cheap);
    const parts = stored.split('$');
    expect(parts).toHaveLength(6);
    const [scheme, n, r, p, salt, hash] = parts;
    expect([scheme, n, r, p]).toEqual(['scrypt', '1024', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64')).toHaveLength(32);
    expect(salt).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(hash).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('salts every hash, so one password hashes differently each time', async () => {
    const first = await hashPassword(PASSWORD, cheap);
    const second = await hashPassword(PASSWORD, cheap);
    expect(first).not.toBe(second);
    expect(first.split('$')[4]).not.toBe(second.split('$')[4]);
    expect(await verifyPassword(PASSWORD, first)).toBe(true);
    expect(await verifyPassword(PASSWORD, second)).toBe(true);
  });

  it('verifies with the cost stored in the hash, not the current default', async () => {
    const stored = await hashPassword(PASSWORD, { N: 2048, r: 4, p: 2 });
    expect(stored.startsWith('scrypt$2048$4$2$')).toBe(true);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  });

  it('treats canonically equivalent Unicode spellings of a password as the same password', async () => {
    const composed = 'Senha-Cafe\u0301-2026'; // e + combining acute
    const precomposed = 'Senha-Caf\u00e9-2026';
    const stored = await hashPassword(composed, cheap);
    expect(await verifyPassword(precomposed, stored)).toBe(true);
  });

  it('uses N=2^15, r=8, p=1 by default, and its hashes verify', async () => {
    expect(defaultScryptCost).toEqual({ N: 32768, r: 8, p: 1 });
    const stored = await hashPassword(PASSWORD);
    expect(stored.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword('wrong password', stored)).toBe(false);
  });

  it('never matches through the dummy verification used for unknown accounts', async () => {
    expect(await verifyAgainstDummy('dummy password that never matches')).toBe(false);
  });
});

describe('verifying against a corrupted stored hash', () => {
  async function sample(): Promise<{ stored: string; salt: string; hash: string }> {
    const stored = await hashPassword(PASSWORD, cheap);
    const [, , , , salt, hash] = stored.split('$');
    return { stored, salt: salt!, hash: hash! };
  }

  it('answers false for strings that are not scrypt hashes', async () => {
    for (const stored of ['', 'garbage', 'scrypt', 'scrypt$1024$8$1', '$2b$10$abcdefghijklmnopqrstuv', 'scrypt$$$$$']) {
      await expect(verifyPassword(PASSWORD, stored), stored).resolves.toBe(false);
    }
  });

  it('answers false for a truncated or emptied hash', async () => {
    const { stored, salt } = await sample();
    await expect(verifyPassword(PASSWORD, stored.slice(0, -6))).resolves.toBe(false);
    await expect(verifyPassword(PASSWORD, `scrypt$1024$8$1$${salt}$`)).resolves.toBe(false);
  });

  it('answers false for a changed salt', async () => {
    const { hash } = await sample();
    await expect(verifyPassword(PASSWORD, `scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA==$${hash}`)).resolves.toBe(false);
  });

  it('answers false, rather than throwing, when the cost is not a number', async () => {
    const { salt, hash } = await sample();
    await expect(verifyPassword(PASSWORD, `scrypt$abc$8$1$${salt}$${hash}`)).resolves.toBe(false);
  });

  it('answers false, rather than throwing, when the cost is not one scrypt accepts', async () => {
    const { salt, hash } = await sample();
    await expect(verifyPassword(PASSWORD, `scrypt$1000$8$1$${salt}$${hash}`)).resolves.toBe(false);
    await expect(verifyPassword(PASSWORD, `scrypt$-1024$8$1$${salt}$${hash}`)).resolves.toBe(false);
  });
});
