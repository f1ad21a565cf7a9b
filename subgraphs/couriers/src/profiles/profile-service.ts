import { appError, ErrorCode, hasRole, notFound, requireRole, requireVerified, requireViewer, Role, type Viewer } from '#kit';
import type { CourierAvailability } from '../database.js';
import { CouriersErrors } from '../errors.js';
import { validateCourierProfile, type CourierProfileInput } from './profile-input.js';
import type { CourierProfile, CourierProfileStore } from './profile-store.js';
import type { VehicleCylinderRules } from './vehicles.js';

/**
 * May this viewer see a courier's personal details (plate, service area)? Only the courier and
 * admins: the area's centre is often the courier's home.
 */
export function seesPrivateDetails(viewer: Viewer | null, courierId: string): boolean {
  return viewer !== null && (viewer.userId === courierId || hasRole(viewer, Role.ADMIN));
}

/** May this viewer see which fleet a courier rides in? The courier, that fleet's supplier, and admins. */
export function seesFleet(viewer: Viewer | null, profile: CourierProfile): boolean {
  return seesPrivateDetails(viewer, profile.userId) || (viewer !== null && viewer.userId === profile.fleetSupplierId);
}

/** Who may read and change courier profiles, when a courier may go online, and suppliers' fleets. */
export class CourierProfileService {
  constructor(
    private readonly profiles: CourierProfileStore,
    private readonly vehicleRules: VehicleCylinderRules,
  ) {}

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
    return this.profiles.save(courier.userId, validateCourierProfile(input, this.vehicleRules));
  }

  /**
   * A verified supplier adds a courier to their fleet: the supplier's orders are offered to the
   * fleet before any platform courier. Adding a courier already in the fleet changes nothing.
   */
  async addFleetCourier(viewer: Viewer | null, courierId: string): Promise<CourierProfile> {
    const supplier = requireRole(viewer, Role.SUPPLIER);
    requireVerified(supplier, 'manage a fleet');
    const joined = await this.profiles.joinFleet(courierId, supplier.userId, new Date());
    if (joined === 'no_profile') throw notFound('Courier');
    if (joined === 'in_another_fleet') {
      throw CouriersErrors.error(
        'COURIER_IN_ANOTHER_FLEET',
        "This courier rides in another supplier's fleet; they must leave it (leaveFleet) before you can add them.",
        { courierId },
      );
    }
    return this.found(courierId);
  }

  /** The supplier takes a courier out of their own fleet; NOT_FOUND when the courier is not in it. */
  async removeFleetCourier(viewer: Viewer | null, courierId: string): Promise<CourierProfile> {
    const supplier = requireRole(viewer, Role.SUPPLIER);
    if (!(await this.profiles.leaveFleet(courierId, supplier.userId))) throw notFound('Courier in your fleet');
    return this.found(courierId);
  }

  /** The courier leaves their fleet and becomes a platform courier; leaving when in none changes nothing. */
  async leaveFleet(viewer: Viewer | null): Promise<CourierProfile> {
    const courier = requireRole(viewer, Role.COURIER);
    await this.profiles.leaveFleet(courier.userId);
    const profile = await this.profiles.findByUserId(courier.userId);
    if (profile === null) throw notFound('Courier profile');
    return profile;
  }

  /** The signed-in supplier's fleet. */
  myFleet(viewer: Viewer | null): Promise<CourierProfile[]> {
    return this.profiles.fleetOf(requireRole(viewer, Role.SUPPLIER).userId);
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

  private async found(courierId: string): Promise<CourierProfile> {
    const profile = await this.profiles.findByUserId(courierId);
    if (profile === null) throw notFound('Courier');
    return profile;
  }
}

const profileMissing = () =>
  appError(
    ErrorCode.CONFLICT,
    'Save your courier profile first (saveCourierProfile): going online needs your vehicle, capacity and service area.',
  );
