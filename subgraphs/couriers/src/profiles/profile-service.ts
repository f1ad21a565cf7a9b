import { appError, ErrorCode, hasRole, notFound, requireRole, requireVerified, requireViewer, Role, type Viewer } from '#kit';
import type { CourierAvailability } from '../database.js';
import { validateCourierProfile, type CourierProfileInput } from './profile-input.js';
import type { CourierProfile, CourierProfileStore } from './profile-store.js';

/**
 * May this viewer see a courier's personal details (plate, service area)? Only the courier and
 * admins: the area's centre is often the courier's home.
 */
export function seesPrivateDetails(viewer: Viewer | null, courierId: string): boolean {
  return viewer !== null && (viewer.userId === courierId || hasRole(viewer, Role.ADMIN));
}

/** Who may read and change courier profiles, and when a courier may go online. */
export class CourierProfileService {
  constructor(private readonly profiles: CourierProfileStore) {}

  mine(viewer: Viewer | null): Promise<CourierProfile | null> {
    const courier = requireRole(viewer, Role.COURIER);
    return this.profiles.findByUserId(courier.userId);
  }

  byId(viewer: Viewer | null, courierId: string): Promise<CourierProfile | null> {
    const signedIn = requireViewer(viewer);
    if (signedIn.userId !== courierId) requireRole(signedIn, Role.ADMIN);
    return this.profiles.findByUserId(courierId);
  }

  save(viewer: Viewer | null, input: CourierProfileInput): Promise<CourierProfile> {
    const courier = requireRole(viewer, Role.COURIER);
    return this.profiles.save(courier.userId, validateCourierProfile(input));
  }

  /**
   * Going online is what makes a courier receive delivery offers, so it needs the courier role,
   * a saved profile and approved documents. Going offline is never refused.
   */
  async setAvailability(viewer: Viewer | null, availability: CourierAvailability): Promise<CourierProfile> {
    const signedIn = requireViewer(viewer);
    if (availability === 'ONLINE') {
      requireRole(signedIn, Role.COURIER);
      // Checked before verification: saving a profile is something the courier can do at once,
      // while approval may take days.
      const current = await this.profiles.findByUserId(signedIn.userId);
      if (current === null) throw profileMissing();
      requireVerified(signedIn, 'go online');
      // The token still says verified, but was issued before the courier lost eligibility.
      const withdrawnAt = current.eligibilityWithdrawnAt;
      if (withdrawnAt !== null && signedIn.issuedAt * 1000 <= withdrawnAt.getTime()) {
        throw appError(
          ErrorCode.VERIFICATION_REQUIRED,
          'Your verification changed after this session began. Refresh your session; if your documents need attention, verificationStatus says which.',
        );
      }
    }
    const profile = await this.profiles.setAvailability(signedIn.userId, availability);
    if (profile === null) throw availability === 'ONLINE' ? profileMissing() : notFound('Courier profile');
    return profile;
  }
}

const profileMissing = () =>
  appError(
    ErrorCode.CONFLICT,
    'Save your courier profile first (saveCourierProfile): going online needs your vehicle, capacity and service area.',
  );
