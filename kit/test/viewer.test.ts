import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { hasRole, requireRecentMfa, requireRole, requireSelfOrAdmin, requireVerified, type Viewer } from '../src/auth/viewer.js';

const NOW_MS = 1_800_000_000_000;
const nowSeconds = NOW_MS / 1000;

function viewer(overrides: Partial<Viewer> = {}): Viewer {
  return {
    userId: 'user-1',
    roles: ['CUSTOMER'],
    tokenId: 'token-1',
    issuedAt: nowSeconds,
    expiresAt: nowSeconds + 900,
    mfaAuthenticatedAt: null,
    verified: false,
    ...overrides,
  };
}

function refusal(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('admin powers need a second factor', () => {
  const passwordOnlyAdmin = viewer({ roles: ['ADMIN'] });
  const mfaAdmin = viewer({ roles: ['ADMIN'], mfaAuthenticatedAt: nowSeconds - 10 });

  it('counts ADMIN only for a session with a second factor', () => {
    expect(hasRole(passwordOnlyAdmin, 'ADMIN')).toBe(false);
    expect(hasRole(mfaAdmin, 'ADMIN')).toBe(true);
  });

  it('does not ask other roles for a second factor', () => {
    expect(hasRole(viewer({ roles: ['SUPPLIER'] }), 'SUPPLIER')).toBe(true);
  });

  it('tells a password-only admin to enrol instead of calling them forbidden', () => {
    const error = refusal(() => requireRole(passwordOnlyAdmin, 'ADMIN'));
    expect(error.extensions['code']).toBe('MFA_REQUIRED');
    expect(error.extensions['reason']).toBe('ENROLMENT_REQUIRED');
  });

  it('lets a password-only admin act in another role they hold', () => {
    const both = viewer({ roles: ['ADMIN', 'SUPPLIER'] });
    expect(requireRole(both, 'SUPPLIER', 'ADMIN')).toBe(both);
  });

  it('answers FORBIDDEN to someone without the role at all', () => {
    expect(refusal(() => requireRole(viewer(), 'ADMIN')).extensions['code']).toBe('FORBIDDEN');
  });

  it('lets an admin with a second factor act for others, and asks a password-only admin to enrol', () => {
    expect(requireSelfOrAdmin(mfaAdmin, 'someone-else')).toBe(mfaAdmin);
    expect(refusal(() => requireSelfOrAdmin(passwordOnlyAdmin, 'someone-else')).extensions['code']).toBe('MFA_REQUIRED');
    expect(refusal(() => requireSelfOrAdmin(viewer(), 'someone-else')).extensions['code']).toBe('FORBIDDEN');
  });
});

describe('requireRecentMfa', () => {
  const clock = () => NOW_MS;

  it('accepts a second factor within the window, up to its edge', () => {
    const recent = viewer({ mfaAuthenticatedAt: nowSeconds - 900 });
    expect(requireRecentMfa(recent, 900, clock)).toBe(recent);
  });

  it('asks for a step-up once the second factor is older than the window', () => {
    const error = refusal(() => requireRecentMfa(viewer({ mfaAuthenticatedAt: nowSeconds - 901 }), 900, clock));
    expect(error.extensions['code']).toBe('MFA_REQUIRED');
    expect(error.extensions['reason']).toBe('STEP_UP_REQUIRED');
    expect(error.extensions['maxAgeSeconds']).toBe(900);
    expect(error.extensions['http']).toEqual({ status: 403 });
  });

  it('asks a session without a second factor to enrol', () => {
    expect(refusal(() => requireRecentMfa(viewer(), 900, clock)).extensions['reason']).toBe('ENROLMENT_REQUIRED');
  });
});

describe('requireVerified', () => {
  it('passes a verified user and refuses an unverified one with VERIFICATION_REQUIRED', () => {
    const verified = viewer({ roles: ['COURIER'], verified: true });
    expect(requireVerified(verified, 'go online')).toBe(verified);
    const error = refusal(() => requireVerified(viewer({ roles: ['COURIER'] }), 'go online'));
    expect(error.extensions['code']).toBe('VERIFICATION_REQUIRED');
    expect(error.message).toContain('go online');
  });
});
