import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { normaliseEmail, normalisePhone, validateProfile, type ProfileFields } from '../src/users/user-input.js';

const STRONG_PASSWORD = 'Corr3ct-Horse-Battery';

function problemsOf(input: ProfileFields, prefix?: string): Array<{ field: string; message: string }> {
  try {
    validateProfile(input, prefix);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const graphQLError = error as GraphQLError;
    expect(graphQLError.extensions['code']).toBe('BAD_USER_INPUT');
    return graphQLError.extensions['fields'] as Array<{ field: string; message: string }>;
  }
  throw new Error('expected validateProfile to refuse the input');
}

describe('normalisePhone', () => {
  it.each([
    ['(11) 98765-4321', '+5511987654321'],
    ['11 98765 4321', '+5511987654321'],
    ['11.98765.4321', '+5511987654321'],
    ['011 98765-4321', '+5511987654321'],
    ['+55 (11) 98765-4321', '+5511987654321'],
    ['  +5511987654321  ', '+5511987654321'],
    ['+1 415 555 2671', '+14155552671'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });

  it.each(['12', '', '   ', 'not a phone', '+0 11 98765 4321', '+1234567890123456', '11 98765-432x', '+55 11 98765+4321'])(
    'answers undefined for %j',
    (input) => {
      expect(normalisePhone(input)).toBeUndefined();
    },
  );
});

describe('normaliseEmail', () => {
  it('trims and lower-cases an email', () => {
    expect(normaliseEmail('  Maria.Silva@Example.COM ')).toBe('maria.silva@example.com');
  });
});

describe('validateProfile', () => {
  it('returns the normalised fields of a valid profile', () => {
    expect(
      validateProfile({
        email: ' Maria@Example.COM ',
        phone: '(11) 98765-4321',
        name: '  Maria   da  Silva ',
        password: STRONG_PASSWORD,
      }),
    ).toEqual({ email: 'maria@example.com', phone: '+5511987654321', name: 'Maria da Silva', password: STRONG_PASSWORD });
  });

  it('validates only the fields given, skipping null and undefined ones', () => {
    expect(validateProfile({ name: 'Ana Souza', email: null, phone: undefined })).toEqual({ name: 'Ana Souza' });
    expect(validateProfile({})).toEqual({});
  });

  it('keeps the password exactly as typed', () => {
    expect(validateProfile({ password: '  Corr3ct-Horse  ' }).password).toBe('  Corr3ct-Horse  ');
  });

  it('lists every problem at once, in field order', () => {
    const problems = problemsOf({ email: 'not-an-email', phone: '12', name: ' Z ', password: 'password' });
    expect(problems.map((problem) => problem.field)).toEqual(['input.email', 'input.phone', 'input.name', 'input.password']);
    expect(problems[0]!.message).toMatch(/valid email address/);
    expect(problems[1]!.message).toMatch(/E\.164/);
    expect(problems[2]!.message).toBe('must be between 2 and 120 characters');
    expect(problems[3]!.message).toBe('must be at least 10 characters long');
  });

  it('puts every problem in the error message too', () => {
    try {
      validateProfile({ email: 'x', name: 'Y' });
      expect.unreachable('validateProfile accepted a bad profile');
    } catch (error) {
      expect((error as GraphQLError).message).toMatch(/input\.email: .*; input\.name: /);
    }
  });

  it('names the fields under the prefix it was given', () => {
    expect(problemsOf({ email: 'x' }, 'patch').map((problem) => problem.field)).toEqual(['patch.email']);
  });

  it.each(['maria', 'maria@', '@example.com', 'maria@example', 'maria@example.c', 'ma ria@example.com', 'a@b@example.com'])(
    'refuses the email %j',
    (email) => {
      expect(problemsOf({ email }).map((problem) => problem.field)).toEqual(['input.email']);
    },
  );

  it('refuses an email longer than 254 characters', () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(186)}.com`;
    expect(email.length).toBe(255);
    expect(problemsOf({ email }).map((problem) => problem.field)).toEqual(['input.email']);
    expect(validateProfile({ email: email.slice(1) }).email).toBe(email.slice(1));
  });

  it('refuses a name of more than 120 characters after collapsing spaces', () => {
    expect(validateProfile({ name: `${'a'.repeat(60)}      ${'b'.repeat(59)}` }).name).toHaveLength(120);
    expect(problemsOf({ name: 'a'.repeat(121) }).map((problem) => problem.field)).toEqual(['input.name']);
  });

  it('refuses a password that contains the email or name from the same input', () => {
    expect(problemsOf({ email: 'joaozinho@example.com', password: 'Joaozinho-2026!' })).toEqual([
      { field: 'input.password', message: 'must not contain your name or email' },
    ]);
    expect(problemsOf({ name: 'Bartolomeu', password: 'bartolomeu-2026!' })).toEqual([
      { field: 'input.password', message: 'must not contain your name or email' },
    ]);
  });
});
