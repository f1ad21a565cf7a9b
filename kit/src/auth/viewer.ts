import { forbidden, unauthenticated } from '../errors.js';

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
  readonly roles: readonly Role[];
  /** The token's `jti`, for audit logs. */
  readonly tokenId: string;
  /** Seconds since the epoch at which the token stops being valid. */
  readonly expiresAt: number;
}

export function hasRole(viewer: Viewer | null, role: Role): boolean {
  return viewer !== null && viewer.roles.includes(role);
}

export function requireViewer(viewer: Viewer | null): Viewer {
  if (viewer === null) throw unauthenticated();
  return viewer;
}

export function requireRole(viewer: Viewer | null, ...roles: Role[]): Viewer {
  const signedIn = requireViewer(viewer);
  if (!roles.some((role) => signedIn.roles.includes(role))) {
    throw forbidden(`This needs one of the roles ${roles.join(', ')}.`);
  }
  return signedIn;
}

/** The viewer acts on their own resource, or is an admin. */
export function requireSelfOrAdmin(viewer: Viewer | null, ownerId: string, what = 'this'): Viewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.userId !== ownerId && !signedIn.roles.includes(Role.ADMIN)) {
    throw forbidden(`Only the owner or an admin may change ${what}.`);
  }
  return signedIn;
}
