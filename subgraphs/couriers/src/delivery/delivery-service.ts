import {
  appError,
  ErrorCode,
  hasRole,
  invalidInput,
  notFound,
  rateLimited,
  requireRole,
  requireViewer,
  Role,
  type EventOrigin,
  type FieldProblem,
  type KeysetCursor,
  type Viewer,
} from '#kit';
import type { DeliverySettings } from '../config.js';
import type { CylinderType } from '../database.js';
import { deliveryCode, hashDeliveryCode, matchesDeliveryCode } from './delivery-code.js';
import { assignedEvent, codeIssuedEvent, completedEvent, locationEvent, pickedUpEvent } from './delivery-events.js';
import type { Delivery, DeliveryOffer, DeliveryStore } from './delivery-store.js';

/** CURRENT: being carried; PAST: ended, delivered or cancelled. */
export type DeliveryListFilter = 'CURRENT' | 'PAST';

const statusesOf: Readonly<Record<DeliveryListFilter | 'ALL', ReadonlyArray<Delivery['status']>>> = {
  CURRENT: ['ASSIGNED', 'PICKED_UP'],
  PAST: ['DELIVERED', 'CANCELLED'],
  ALL: ['ASSIGNED', 'PICKED_UP', 'DELIVERED', 'CANCELLED'],
};
import { isPlausiblePosition } from './distance.js';

/** The courier's latest position on a delivery, as customers and couriers read it. */
export interface CourierLocation {
  orderId: string;
  courierId: string;
  latitude: number;
  longitude: number;
  recordedAt: Date;
}

/** Deliveries as people take part in them: offers, pickup, the code at the door, live position. */
export class DeliveryService {
  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly settings: DeliverySettings,
  ) {}

  /** The signed-in courier's offers still open. */
  myOffers(viewer: Viewer | null): Promise<DeliveryOffer[]> {
    return this.deliveries.pendingOffersOf(requireRole(viewer, Role.COURIER).userId);
  }

  /** The signed-in courier's own deliveries, newest first. */
  myDeliveries(viewer: Viewer | null, args: { filter?: DeliveryListFilter | null; first: number; after?: KeysetCursor }) {
    const courier = requireRole(viewer, Role.COURIER);
    return this.deliveries.deliveriesOf({
      courierId: courier.userId,
      statuses: statusesOf[args.filter ?? 'ALL'],
      first: args.first,
      ...(args.after === undefined ? {} : { after: args.after }),
    });
  }

  /**
   * Accepts an open offer: the offer and the delivery change together, conditionally, so an
   * offer past its deadline, declined, withdrawn or raced by another acceptance is a CONFLICT.
   */
  async accept(viewer: Viewer | null, offerId: string, origin: EventOrigin): Promise<Delivery> {
    const courier = requireRole(viewer, Role.COURIER);
    const offer = await this.ownOffer(courier, offerId);
    return this.deliveries.run(async (transaction) => {
      if (!(await this.deliveries.respond(transaction, offer.id, courier.userId, 'ACCEPTED'))) throw offerClosed(offer);
      const delivery = await this.deliveries.lockDelivery(transaction, offer.orderId);
      if (delivery === null) throw notFound('Delivery offer');
      const at = new Date();
      const code = deliveryCode(this.settings.deliveryCodeSecret, offer.orderId, offer.id);
      const moved = await this.deliveries.moveDelivery(
        transaction,
        offer.orderId,
        'SEARCHING',
        { status: 'ASSIGNED', courierId: courier.userId, codeHash: hashDeliveryCode(code), assignedAt: at },
        [assignedEvent(origin, delivery, courier.userId, offer.id, at), codeIssuedEvent(origin, delivery, courier.userId, at)],
      );
      if (!moved) throw appError(ErrorCode.CONFLICT, `This order no longer needs a courier (it is ${delivery.status}).`);
      return { ...delivery, status: 'ASSIGNED' as const, courierId: courier.userId, assignedAt: at };
    });
  }

  /** Declines an open offer; the assignment job offers the order to the next courier. */
  async decline(viewer: Viewer | null, offerId: string): Promise<DeliveryOffer> {
    const courier = requireRole(viewer, Role.COURIER);
    const offer = await this.ownOffer(courier, offerId);
    const declined = await this.deliveries.run((transaction) => this.deliveries.respond(transaction, offer.id, courier.userId, 'DECLINED'));
    if (!declined) throw offerClosed(offer);
    return { ...offer, status: 'DECLINED', respondedAt: new Date() };
  }

  /** The assigned courier has the cylinders: orders moves the order to IN_TRANSIT on courier.picked_up. */
  async pickUp(viewer: Viewer | null, orderId: string, origin: EventOrigin): Promise<Delivery> {
    const courier = requireRole(viewer, Role.COURIER);
    const delivery = await this.assignedTo(courier, orderId);
    if (delivery.status !== 'ASSIGNED') throw wrongStatus(delivery, 'picked up', 'ASSIGNED');
    const at = new Date();
    const moved = await this.deliveries.run((transaction) =>
      this.deliveries.moveDelivery(transaction, orderId, 'ASSIGNED', { status: 'PICKED_UP', pickedUpAt: at }, [
        pickedUpEvent(origin, delivery, courier.userId, at),
      ]),
    );
    if (!moved) throw wrongStatus(delivery, 'picked up', 'ASSIGNED');
    return { ...delivery, status: 'PICKED_UP', pickedUpAt: at };
  }

  /**
   * Completes a picked-up delivery with the customer's code: the only way a delivery ends
   * DELIVERED by a courier. Each try takes an attempt first, atomically, so at most
   * COURIERS_DELIVERY_CODE_MAX_ATTEMPTS codes are ever compared, even sent all at once; then the
   * delivery refuses every code (six digits must not be guessable at the door) and only an
   * admin can resolve it (completeDelivery in orders).
   */
  async complete(
    viewer: Viewer | null,
    orderId: string,
    code: string,
    emptiesCollected: readonly EmptiesCollected[] | null,
    origin: EventOrigin,
  ): Promise<Delivery> {
    const courier = requireRole(viewer, Role.COURIER);
    const delivery = await this.assignedTo(courier, orderId);
    if (delivery.status !== 'PICKED_UP') throw wrongStatus(delivery, 'completed', 'PICKED_UP');
    // Checked before a code attempt is spent: a mistake here must not bring the lock closer.
    const collected = validateEmptiesCollected(delivery, emptiesCollected);
    const limit = this.settings.deliveryCodeMaxAttempts;
    const attempts = await this.deliveries.takeCodeAttempt(orderId, limit);
    if (attempts === null) throw codeLocked();
    if (delivery.codeHash === null || !matchesDeliveryCode(code, delivery.codeHash)) {
      if (attempts >= limit) throw codeLocked();
      throw invalidInput([{ field: 'code', message: `is not this delivery's code; ${limit - attempts} attempt(s) left` }]);
    }
    const at = new Date();
    const moved = await this.deliveries.run(async (transaction) => {
      const done = await this.deliveries.moveDelivery(transaction, orderId, 'PICKED_UP', { status: 'DELIVERED', deliveredAt: at }, [
        completedEvent(origin, delivery, courier.userId, collected, at),
      ]);
      if (done) await this.deliveries.recordEmptiesCollected(transaction, orderId, collected);
      return done;
    });
    if (!moved) throw wrongStatus(delivery, 'completed', 'PICKED_UP');
    return {
      ...delivery,
      status: 'DELIVERED',
      deliveredAt: at,
      cylinders: delivery.cylinders.map((cylinder) => ({ ...cylinder, emptiesCollected: collected.get(cylinder.cylinderType) ?? 0 })),
    };
  }

  /**
   * Stores the assigned courier's position and publishes courier.location.updated, at most once
   * per COURIERS_LOCATION_MIN_INTERVAL_MS per courier (RATE_LIMITED otherwise).
   */
  async updateLocation(
    viewer: Viewer | null,
    orderId: string,
    latitude: number,
    longitude: number,
    origin: EventOrigin,
  ): Promise<CourierLocation> {
    const courier = requireRole(viewer, Role.COURIER);
    const problems: FieldProblem[] = [];
    if (!Number.isFinite(latitude) || Math.abs(latitude) > 90) problems.push({ field: 'latitude', message: 'must be between -90 and 90' });
    if (!Number.isFinite(longitude) || Math.abs(longitude) > 180)
      problems.push({ field: 'longitude', message: 'must be between -180 and 180' });
    if (problems.length === 0 && !isPlausiblePosition({ latitude, longitude }))
      problems.push({ field: 'latitude', message: '0, 0 is not a position: the device sent none' });
    if (problems.length > 0) throw invalidInput(problems);
    const delivery = await this.assignedTo(courier, orderId);
    if (delivery.status !== 'ASSIGNED' && delivery.status !== 'PICKED_UP') throw wrongStatus(delivery, 'tracked', 'ASSIGNED or PICKED_UP');
    const minIntervalMs = this.settings.locationMinIntervalMs;
    const recordedAt = await this.deliveries.storePosition(
      { courierId: courier.userId, position: { latitude, longitude }, minIntervalMs },
      (at) => [locationEvent(origin, delivery, courier.userId, latitude, longitude, at)],
    );
    if (recordedAt === null) {
      const last = (await this.deliveries.lastLocationAt(courier.userId))?.getTime() ?? Date.now();
      throw rateLimited(`Send location updates at most once every ${minIntervalMs} ms.`, (last + minIntervalMs - Date.now()) / 1000);
    }
    return { orderId, courierId: courier.userId, latitude, longitude, recordedAt };
  }

  /** The courier's latest position, for the order's customer (or an admin) while it is in transit. */
  async courierLocation(viewer: Viewer | null, orderId: string): Promise<CourierLocation | null> {
    const signedIn = requireViewer(viewer);
    const delivery = await this.deliveries.findDelivery(orderId);
    if (delivery === null || (delivery.customerId !== signedIn.userId && !hasRole(signedIn, Role.ADMIN))) throw notFound('Order');
    if (delivery.status !== 'PICKED_UP' || delivery.courierId === null) return null;
    const position = await this.deliveries.positionOf(delivery.courierId);
    if (position === null) return null;
    return { orderId, courierId: delivery.courierId, ...position };
  }

  /** The delivery code, for the order's customer only, from assignment until delivery. */
  async codeFor(viewer: Viewer | null, delivery: Delivery): Promise<string | null> {
    if (viewer === null || viewer.userId !== delivery.customerId) return null;
    if (delivery.status !== 'ASSIGNED' && delivery.status !== 'PICKED_UP') return null;
    const offer = await this.deliveries.acceptedOffer(delivery.orderId);
    return offer === null ? null : deliveryCode(this.settings.deliveryCodeSecret, delivery.orderId, offer.id);
  }

  private async ownOffer(courier: Viewer, offerId: string): Promise<DeliveryOffer> {
    const offer = await this.deliveries.findOffer(offerId);
    if (offer === null || offer.courierId !== courier.userId) throw notFound('Delivery offer');
    return offer;
  }

  /** A delivery assigned to this courier; anybody else's, or none, is the same NOT_FOUND. */
  private async assignedTo(courier: Viewer, orderId: string): Promise<Delivery> {
    const delivery = await this.deliveries.findDelivery(orderId);
    if (delivery === null || delivery.courierId !== courier.userId) throw notFound('Delivery');
    return delivery;
  }
}

/** Who may see an order's courier: its customer, supplier, courier, and admins. */
export function seesDelivery(viewer: Viewer | null, delivery: Delivery): boolean {
  if (viewer === null) return false;
  return [delivery.customerId, delivery.supplierId, delivery.courierId].includes(viewer.userId) || hasRole(viewer, Role.ADMIN);
}

/** Empties of one class the courier collected at the door. */
export interface EmptiesCollected {
  cylinderType: CylinderType;
  quantity: number;
}

/**
 * The empties collected per class: required when the delivery has empties to collect (troca),
 * never more than expected, and only of classes expected; classes left out count as none.
 */
function validateEmptiesCollected(delivery: Delivery, given: readonly EmptiesCollected[] | null): Map<CylinderType, number> {
  const expected = new Map(delivery.cylinders.filter((c) => c.emptiesToCollect > 0).map((c) => [c.cylinderType, c.emptiesToCollect]));
  const collected = new Map<CylinderType, number>();
  if (given === null) {
    if (expected.size === 0) return collected;
    const list = [...expected].map(([cylinderType, count]) => `${count} × ${cylinderType}`).join(', ');
    throw invalidInput([
      {
        field: 'emptiesCollected',
        message: `is required: this delivery has empties to collect (${list}); send how many of each you collected, 0 when the customer had none`,
      },
    ]);
  }
  const problems: FieldProblem[] = [];
  given.forEach(({ cylinderType, quantity }, index) => {
    const field = `emptiesCollected[${index}]`;
    const limit = expected.get(cylinderType);
    if (collected.has(cylinderType)) problems.push({ field: `${field}.cylinderType`, message: `${cylinderType} is named twice` });
    else if (limit === undefined)
      problems.push({ field: `${field}.cylinderType`, message: `this delivery has no ${cylinderType} empties to collect` });
    else if (!Number.isInteger(quantity) || quantity < 0 || quantity > limit)
      problems.push({
        field: `${field}.quantity`,
        message: `must be a whole number from 0 to ${limit} (the ${cylinderType} empties to collect)`,
      });
    collected.set(cylinderType, quantity);
  });
  if (problems.length > 0) throw invalidInput(problems);
  return collected;
}

const offerClosed = (offer: DeliveryOffer) =>
  appError(
    ErrorCode.CONFLICT,
    offer.expiresAt.getTime() <= Date.now() ? 'This offer has expired.' : `This offer is no longer open (it is ${offer.status}).`,
  );

const wrongStatus = (delivery: Delivery, action: string, needed: string) =>
  appError(ErrorCode.CONFLICT, `This delivery is ${delivery.status}: it can be ${action} only when ${needed}.`, {
    deliveryStatus: delivery.status,
  });

const codeLocked = () =>
  appError(
    ErrorCode.CONFLICT,
    'Too many wrong delivery codes: this delivery no longer accepts codes. Contact support: an admin can confirm the handover.',
  );
