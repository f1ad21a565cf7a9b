import { appError, ErrorCode, forbidden, unauthenticated } from '../errors.js';

export const Role = {
  CUSTOMER: 'CUSTOMER',
  SUPPLIER: 'SUPPLIER',
  COURIER: 'COURIER',
  ADMIN: 'ADMIN',
} as const;

export type Role = (typeof Role)[keyof typeof Role];

export const allRoles: readonly Role[] = Object.values(Role);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (allRoles as readonly string[]).includes(value);
}

/** Who is making a request, as proven by a verified access token. */
export interface Viewer {
  readonly userId: string;
  /** Every role the token claims. ADMIN counts only with a second factor: see hasRole. */
  readonly roles: readonly Role[];
  /** The token's `jti`, for audit logs. */
  readonly tokenId: string;
  /** Seconds since the epoch at which the token was issued; decisions newer than this are not in it. */
  readonly issuedAt: number;
  /** Seconds since the epoch at which the token stops being valid. */
  readonly expiresAt: number;
  /**
   * Seconds since the epoch at which the user last proved a second factor (the
   * token's `auth_time` when its `amr` holds `otp`); null for a password-only session.
   */
  readonly mfaAuthenticatedAt: number | null;
  /** Every document the user's supplier or courier role needs is approved (the `verified` claim). */
  readonly verified: boolean;
  /**
   * The token's `access_version` claim: accounts raises the user's version with every
   * revocation, so a revoked token carries an older one. Absent (version 0) in tokens
   * issued before revocations existed.
   */
  readonly accessVersion?: number;
}

/**
 * Whether the viewer may act in a role. Admin powers need a session with a
 * second factor: an admin signed in with a password alone acts as nobody special.
 */
export function hasRole(viewer: Viewer | null, role: Role): boolean {
  if (viewer === null || !viewer.roles.includes(role)) return false;
  return role !== Role.ADMIN || viewer.mfaAuthenticatedAt !== null;
}

export function requireViewer(viewer: Viewer | null): Viewer {
  if (viewer === null) throw unauthenticated();
  return viewer;
}

export function requireRole(viewer: Viewer | null, ...roles: Role[]): Viewer {
  const signedIn = requireViewer(viewer);
  if (roles.some((role) => hasRole(signedIn, role))) return signedIn;
  if (roles.includes(Role.ADMIN) && signedIn.roles.includes(Role.ADMIN)) throw mfaEnrolmentRequired();
  throw forbidden(`This needs one of the roles ${roles.join(', ')}.`);
}

/** The viewer acts on their own resource, or is an admin. */
export function requireSelfOrAdmin(viewer: Viewer | null, ownerId: string, what = 'this'): Viewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.userId === ownerId || hasRole(signedIn, Role.ADMIN)) return signedIn;
  if (signedIn.roles.includes(Role.ADMIN)) throw mfaEnrolmentRequired();
  throw forbidden(`Only the owner or an admin may change ${what}.`);
}

/**
 * Sensitive operations (reviewing documents, changing roles, refunds) need a
 * second factor proven within the last `maxAgeSeconds`, not merely a session
 * that once had one.
 */
export function requireRecentMfa(viewer: Viewer, maxAgeSeconds: number, now: () => number = Date.now): Viewer {
  const provedAt = viewer.mfaAuthenticatedAt;
  if (provedAt === null) throw mfaEnrolmentRequired();
  if (Math.floor(now() / 1000) - provedAt > maxAgeSeconds) {
    throw appError(
      ErrorCode.MFA_REQUIRED,
      `This operation needs a second factor entered within the last ${Math.round(maxAgeSeconds / 60)} minutes. Call stepUpMfa with a current code and retry with the new access token.`,
      { reason: 'STEP_UP_REQUIRED', maxAgeSeconds },
    );
  }
  return viewer;
}

/** Suppliers and couriers work only once an admin has approved their documents. */
export function requireVerified(viewer: Viewer, activity: string): Viewer {
  if (viewer.verified) return viewer;
  throw appError(
    ErrorCode.VERIFICATION_REQUIRED,
    `Your documents must be approved before you can ${activity}. Check verificationStatus for what is missing; once approved, refresh your session.`,
  );
}

function mfaEnrolmentRequired() {
  return appError(
    ErrorCode.MFA_REQUIRED,
    'This needs a session signed in with a second factor. Enrol with beginMfaEnrolment and confirmMfaEnrolment if you have not, then sign in again with your authenticator code.',
    { reason: 'ENROLMENT_REQUIRED' },
  );
}
