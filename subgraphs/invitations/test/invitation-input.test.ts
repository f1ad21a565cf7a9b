import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { validateInvitationInput, type CreateInvitationInput } from '../src/invitations/invitation-input.js';
import { invitationStatus } from '../src/invitations/invitation-status.js';

function problemsOf(input: CreateInvitationInput): Array<{ field: string; message: string }> {
  try {
    validateInvitationInput(input);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
    return (error as GraphQLError).extensions['fields'] as Array<{ field: string; message: string }>;
  }
  throw new Error('expected the input to be refused');
}

describe('validateInvitationInput', () => {
  it('sends to a lower-cased email by default for 72 hours and one use', () => {
    expect(validateInvitationInput({ role: 'COURIER', email: '  Joao@Example.COM ' })).toEqual({
      role: 'COURIER',
      channel: 'EMAIL',
      recipient: 'joao@example.com',
      expiresInHours: 72,
      maxUses: 1,
    });
  });

  it('sends by SMS to a phone number in E.164, taking numbers without a country code as Brazilian', () => {
    expect(validateInvitationInput({ role: 'SUPPLIER', phone: '(11) 98765-4321', expiresInHours: 720, maxUses: 1000 })).toMatchObject({
      channel: 'SMS',
      recipient: '+5511987654321',
      expiresInHours: 720,
      maxUses: 1000,
    });
  });

  it('treats an empty email beside a phone as absent', () => {
    expect(validateInvitationInput({ role: 'CUSTOMER', email: '', phone: '+14155552671' }).recipient).toBe('+14155552671');
  });

  it('reports every invalid field at once', () => {
    expect(
      problemsOf({ role: 'COURIER', email: 'not-an-email', expiresInHours: 0, maxUses: 1001 }).map((problem) => problem.field),
    ).toEqual(['input.email', 'input.expiresInHours', 'input.maxUses']);
  });

  it('needs exactly one of email and phone', () => {
    expect(problemsOf({ role: 'COURIER' })).toEqual([
      { field: 'input.email', message: expect.stringContaining('email address or the phone number') },
    ]);
    expect(problemsOf({ role: 'COURIER', email: 'a@example.com', phone: '+5511987654321' })).toEqual([
      { field: 'input.phone', message: expect.stringContaining('not both') },
    ]);
  });

  it.each([[0], [721], [1.5], [-3]])('refuses an expiry of %j hours', (hours) => {
    expect(problemsOf({ role: 'COURIER', email: 'a@example.com', expiresInHours: hours }).map((problem) => problem.field)).toEqual([
      'input.expiresInHours',
    ]);
  });

  it('refuses a phone number that cannot be E.164', () => {
    expect(problemsOf({ role: 'COURIER', phone: '12' }).map((problem) => problem.field)).toEqual(['input.phone']);
  });
});

describe('invitationStatus', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  const later = new Date('2030-01-02T12:00:00Z');
  const base = { revokedAt: null, expiresAt: later, uses: 0, maxUses: 1 };

  it('is ACTIVE while unrevoked, unexpired and with a use left', () => {
    expect(invitationStatus(base, now)).toBe('ACTIVE');
  });

  it('is EXPIRED from the expiry instant on, before any job has marked it', () => {
    expect(invitationStatus({ ...base, expiresAt: now }, now)).toBe('EXPIRED');
  });

  it('is EXHAUSTED when every use is taken', () => {
    expect(invitationStatus({ ...base, uses: 1 }, now)).toBe('EXHAUSTED');
  });

  it('puts REVOKED before EXPIRED before EXHAUSTED', () => {
    expect(invitationStatus({ revokedAt: now, expiresAt: now, uses: 1, maxUses: 1 }, now)).toBe('REVOKED');
    expect(invitationStatus({ revokedAt: null, expiresAt: now, uses: 1, maxUses: 1 }, now)).toBe('EXPIRED');
  });
});
