import { isUuid, recordEvents, type KeysetCursor, type PendingEvent } from '#kit';
import {
  Prisma,
  type CouriersDatabase,
  type CylinderType,
  type DeliveryCylindersRow,
  type DeliveryOfferRow,
  type DeliveryRow,
} from '../database.js';
import type { CouriersTransaction } from '../profiles/profile-store.js';
import { boundingBox, type Point } from './distance.js';
import { MAX_RADIUS_KM } from '../profiles/profile-input.js';
import { VEHICLE_TYPES, type VehicleCylinderRules } from '../profiles/vehicles.js';

/** A delivery with its cylinders by class, smallest class first. */
export type Delivery = DeliveryRow & { cylinders: DeliveryCylindersRow[] };
export type DeliveryOffer = DeliveryOfferRow;

/** The store the courier picks the order up at, with its public address. */
export interface Pickup extends Point {
  storeId: string;
  storeName: string;
  street: string;
  number: string;
  district: string;
  city: string;
  state: string;
}

/** Cylinders of one class on a delivery, and the empties of that class to collect. */
export interface CylinderLoad {
  cylinderType: CylinderType;
  quantity: number;
  emptiesToCollect: number;
}

export interface NewDelivery {
  orderId: string;
  customerId: string;
  supplierId: string;
  cylinderCount: number;
  location: Point;
  /** Null for orders confirmed before stores: the courier is matched to the customer only. */
  pickup: Pickup | null;
  cylinders: CylinderLoad[];
  promisedBy: Date | null;
  searchStartedAt: Date;
}

/** An online courier near the pickup with room for the load; the exact area test is done in code. */
export interface CandidateCourier {
  userId: string;
  areaCentre: Point;
  radiusMeters: number;
  /** The live position, when the courier has sent one. */
  position: Point | null;
  /** The supplier whose fleet the courier rides in; null for a platform courier. */
  fleetSupplierId: string | null;
}

export interface CourierDeliveryQuery {
  courierId: string;
  statuses: ReadonlyArray<Delivery['status']>;
  first: number;
  after?: KeysetCursor;
}

export interface PositionUpdate {
  courierId: string;
  position: Point;
  minIntervalMs: number;
}

/** Data access for deliveries, offers and couriers' live positions. */
export interface DeliveryStore {
  /** Writes the delivery of a confirmed order; false when it exists already. */
  createDelivery(transaction: CouriersTransaction, delivery: NewDelivery): Promise<boolean>;
  findDelivery(orderId: string): Promise<Delivery | null>;
  findDeliveries(orderIds: readonly string[]): Promise<Delivery[]>;
  lockDelivery(transaction: CouriersTransaction, orderId: string): Promise<Delivery | null>;
  /**
   * Locks up to `limit` searching deliveries with no offer open, skipping those another
   * instance holds, oldest search first.
   */
  lockSearching(transaction: CouriersTransaction, limit: number): Promise<Delivery[]>;
  /**
   * Online couriers whose vehicle type may carry every class of the order's cylinders (`rules`)
   * and who have room for them, whose area centre falls in the box around `point` that any area can reach, who have
   * not been offered this order and are neither holding another offer nor carrying another delivery.
   */
  candidates(transaction: CouriersTransaction, orderId: string, point: Point, rules: VehicleCylinderRules): Promise<CandidateCourier[]>;
  /**
   * Writes an open offer and its events; false, writing nothing, when the courier already holds
   * an open offer (another order took them first).
   */
  createOffer(
    transaction: CouriersTransaction,
    offer: Omit<DeliveryOffer, 'status' | 'respondedAt'>,
    events: PendingEvent[],
  ): Promise<boolean>;
  countOffers(transaction: CouriersTransaction, orderId: string): Promise<number>;
  findOffer(offerId: string): Promise<DeliveryOffer | null>;
  pendingOffersOf(courierId: string): Promise<DeliveryOffer[]>;
  /**
   * One page of the deliveries assigned to a courier in the given statuses, newest first by
   * (createdAt, orderId); the cursor's `id` is the order id.
   */
  deliveriesOf(query: CourierDeliveryQuery): Promise<{ deliveries: Delivery[]; hasNextPage: boolean; totalCount: number }>;
  acceptedOffer(orderId: string): Promise<DeliveryOffer | null>;
  /** PENDING → `to`, only while the offer is open (before its deadline) and the courier's. */
  respond(transaction: CouriersTransaction, offerId: string, courierId: string, to: 'ACCEPTED' | 'DECLINED'): Promise<boolean>;
  /** Expires overdue offers and withdraws those of couriers who went offline; the count changed. */
  closeStaleOffers(): Promise<number>;
  /** Moves a delivery from `from` with the given changes and events; false when it was no longer in `from`. */
  moveDelivery(
    transaction: CouriersTransaction,
    orderId: string,
    from: Delivery['status'],
    data: Prisma.DeliveryUpdateManyMutationInput,
    events: PendingEvent[],
  ): Promise<boolean>;
  /** Records the empties collected per class at the door (absent classes: none). */
  recordEmptiesCollected(transaction: CouriersTransaction, orderId: string, collected: ReadonlyMap<CylinderType, number>): Promise<void>;
  /** Withdraws the open offer of an order (cancelled) inside `transaction`. */
  withdrawOffers(transaction: CouriersTransaction, orderId: string): Promise<void>;
  /**
   * Takes one of the delivery's `limit` code attempts before the code is checked, in one
   * conditional UPDATE, so requests sent all at once cannot try more codes than the limit.
   * The attempts now used, or null when none was left.
   */
  takeCodeAttempt(orderId: string, limit: number): Promise<number | null>;
  /**
   * Stores the courier's position unless the previous one is less than `minIntervalMs` old.
   * Null when refused; the time of the previous update then says when to retry.
   */
  storePosition(update: PositionUpdate, events: (recordedAt: Date) => PendingEvent[]): Promise<Date | null>;
  lastLocationAt(courierId: string): Promise<Date | null>;
  positionOf(courierId: string): Promise<{ latitude: number; longitude: number; recordedAt: Date } | null>;
  run<T>(work: (transaction: CouriersTransaction) => Promise<T>): Promise<T>;
}

/** Shares of capacity add up in floating point: 1/3 + 1/3 + 1/3 must still fit. */
const FULL_LOAD = 1 + 1e-9;

const withCylinders = { cylinders: { orderBy: { cylinderType: 'asc' } } } as const;

export function deliveryStore(database: CouriersDatabase): DeliveryStore {
  return {
    async createDelivery(transaction, delivery) {
      const { pickup } = delivery;
      const { count } = await transaction.delivery.createMany({
        data: {
          orderId: delivery.orderId,
          customerId: delivery.customerId,
          supplierId: delivery.supplierId,
          cylinderCount: delivery.cylinderCount,
          latitude: delivery.location.latitude,
          longitude: delivery.location.longitude,
          ...(pickup === null
            ? {}
            : {
                storeId: pickup.storeId,
                storeName: pickup.storeName,
                pickupStreet: pickup.street,
                pickupNumber: pickup.number,
                pickupDistrict: pickup.district,
                pickupCity: pickup.city,
                pickupState: pickup.state,
                pickupLatitude: pickup.latitude,
                pickupLongitude: pickup.longitude,
              }),
          promisedBy: delivery.promisedBy,
          searchStartedAt: delivery.searchStartedAt,
        },
        skipDuplicates: true,
      });
      if (count === 0) return false;
      await transaction.deliveryCylinders.createMany({
        data: delivery.cylinders.map((load) => ({ orderId: delivery.orderId, ...load })),
      });
      return true;
    },
    findDelivery: async (orderId) =>
      isUuid(orderId) ? database.delivery.findUnique({ where: { orderId }, include: withCylinders }) : null,
    findDeliveries: (orderIds) =>
      database.delivery.findMany({ where: { orderId: { in: orderIds.filter(isUuid) } }, include: withCylinders }),
    async lockDelivery(transaction, orderId) {
      if (!isUuid(orderId)) return null;
      const rows = await transaction.$queryRaw<
        Array<{ order_id: string }>
      >`select order_id from deliveries where order_id = ${orderId}::uuid for update`;
      return rows.length === 0 ? null : transaction.delivery.findUnique({ where: { orderId }, include: withCylinders });
    },
    async lockSearching(transaction, limit) {
      const rows = await transaction.$queryRaw<Array<{ order_id: string }>>`
        select d.order_id from deliveries d
        where d.status = 'SEARCHING'
          and not exists (select 1 from delivery_offers o where o.order_id = d.order_id and o.status = 'PENDING')
        order by d.search_started_at
        limit ${limit}
        for update of d skip locked`;
      if (rows.length === 0) return [];
      return transaction.delivery.findMany({
        where: { orderId: { in: rows.map((row) => row.order_id) } },
        orderBy: { searchStartedAt: 'asc' },
        include: withCylinders,
      });
    },
    async candidates(transaction, orderId, point, rules) {
      // The vehicle rules as VEHICLE:CLASS pairs, so one array parameter carries them all.
      const allowed = VEHICLE_TYPES.flatMap((vehicle) => [...rules[vehicle]].map((cylinderType) => `${vehicle}:${cylinderType}`));
      // A centre farther than the largest radius cannot cover the point.
      const box = boundingBox(point, MAX_RADIUS_KM * 1000);
      const longitudes =
        box.minLongitude <= box.maxLongitude
          ? Prisma.sql`p.service_area_longitude between ${box.minLongitude} and ${box.maxLongitude}`
          : Prisma.sql`(p.service_area_longitude >= ${box.minLongitude} or p.service_area_longitude <= ${box.maxLongitude})`;
      const rows = await transaction.$queryRaw<
        Array<{
          user_id: string;
          lat: number;
          lon: number;
          radius: number;
          last_latitude: number | null;
          last_longitude: number | null;
          fleet_supplier_id: string | null;
        }>
      >`
        select p.user_id, p.service_area_latitude as lat, p.service_area_longitude as lon, p.service_area_radius_meters as radius,
               p.last_latitude, p.last_longitude, p.fleet_supplier_id
        from courier_profiles p
        where p.availability = 'ONLINE'
          and p.service_area_latitude between ${box.minLatitude} and ${box.maxLatitude}
          and ${longitudes}
          -- The vehicle type may carry every class on the order under the current rules...
          and not exists (
            select 1 from delivery_cylinders need
            where need.order_id = ${orderId}::uuid and need.quantity > 0
              and not (p.vehicle_type::text || ':' || need.cylinder_type::text = any(${allowed}::text[])))
          -- ...the courier carries each of them (a class without a capacity row is one they do not)...
          and not exists (
            select 1 from delivery_cylinders need
            where need.order_id = ${orderId}::uuid and need.quantity > 0
              and not exists (select 1 from courier_capacities c where c.user_id = p.user_id and c.cylinder_type = need.cylinder_type))
          -- ...and has room for the whole load: each class takes its share of that class's capacity.
          and (select coalesce(sum(need.quantity::float8 / c.quantity), 0)
               from delivery_cylinders need
               join courier_capacities c on c.user_id = p.user_id and c.cylinder_type = need.cylinder_type
               where need.order_id = ${orderId}::uuid) <= ${FULL_LOAD}
          and not exists (select 1 from delivery_offers o where o.order_id = ${orderId}::uuid and o.courier_id = p.user_id)
          and not exists (select 1 from delivery_offers o where o.courier_id = p.user_id and o.status = 'PENDING')
          and not exists (select 1 from deliveries d where d.courier_id = p.user_id and d.status in ('ASSIGNED', 'PICKED_UP'))`;
      return rows.map((row) => ({
        userId: row.user_id,
        areaCentre: { latitude: row.lat, longitude: row.lon },
        radiusMeters: row.radius,
        position:
          row.last_latitude === null || row.last_longitude === null ? null : { latitude: row.last_latitude, longitude: row.last_longitude },
        fleetSupplierId: row.fleet_supplier_id,
      }));
    },
    async createOffer(transaction, offer, events) {
      // ON CONFLICT DO NOTHING: a unique violation would abort the whole transaction.
      const { count } = await transaction.deliveryOffer.createMany({ data: [offer], skipDuplicates: true });
      if (count === 0) return false;
      await recordEvents(transaction, events);
      return true;
    },
    countOffers: (transaction, orderId) => transaction.deliveryOffer.count({ where: { orderId } }),
    findOffer: async (offerId) => (isUuid(offerId) ? database.deliveryOffer.findUnique({ where: { id: offerId } }) : null),
    pendingOffersOf: (courierId) =>
      database.deliveryOffer.findMany({
        where: { courierId, status: 'PENDING', expiresAt: { gt: new Date() } },
        orderBy: { offeredAt: 'asc' },
      }),
    async deliveriesOf({ courierId, statuses, first, after }) {
      const filter: Prisma.DeliveryWhereInput = { courierId, status: { in: [...statuses] } };
      const where: Prisma.DeliveryWhereInput =
        after === undefined
          ? filter
          : { AND: [filter, { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, orderId: { lt: after.id } }] }] };
      const [rows, totalCount] = await Promise.all([
        database.delivery.findMany({
          where,
          orderBy: [{ createdAt: 'desc' }, { orderId: 'desc' }],
          take: first + 1,
          include: withCylinders,
        }),
        database.delivery.count({ where: filter }),
      ]);
      return { deliveries: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
    },
    acceptedOffer: (orderId) => database.deliveryOffer.findFirst({ where: { orderId, status: 'ACCEPTED' } }),
    async respond(transaction, offerId, courierId, to) {
      const now = new Date();
      const { count } = await transaction.deliveryOffer.updateMany({
        where: { id: offerId, courierId, status: 'PENDING', expiresAt: { gt: now } },
        data: { status: to, respondedAt: now },
      });
      return count > 0;
    },
    async closeStaleOffers() {
      const expired = await database.$executeRaw`
        update delivery_offers set status = 'EXPIRED', responded_at = now()
        where status = 'PENDING' and expires_at <= now()`;
      const withdrawn = await database.$executeRaw`
        update delivery_offers o set status = 'WITHDRAWN', responded_at = now()
        from courier_profiles p
        where o.status = 'PENDING' and p.user_id = o.courier_id and p.availability = 'OFFLINE'`;
      return expired + withdrawn;
    },
    async moveDelivery(transaction, orderId, from, data, events) {
      const { count } = await transaction.delivery.updateMany({ where: { orderId, status: from }, data });
      if (count === 0) return false;
      await recordEvents(transaction, events);
      return true;
    },
    async recordEmptiesCollected(transaction, orderId, collected) {
      for (const cylinder of await transaction.deliveryCylinders.findMany({ where: { orderId } })) {
        await transaction.deliveryCylinders.update({
          where: { orderId_cylinderType: { orderId, cylinderType: cylinder.cylinderType } },
          data: { emptiesCollected: collected.get(cylinder.cylinderType) ?? 0 },
        });
      }
    },
    async withdrawOffers(transaction, orderId) {
      await transaction.deliveryOffer.updateMany({
        where: { orderId, status: 'PENDING' },
        data: { status: 'WITHDRAWN', respondedAt: new Date() },
      });
    },
    async takeCodeAttempt(orderId, limit) {
      const rows = await database.$queryRaw<Array<{ code_attempts: number }>>`
        update deliveries set code_attempts = code_attempts + 1, updated_at = now()
        where order_id = ${orderId}::uuid and code_attempts < ${limit}
        returning code_attempts`;
      return rows[0]?.code_attempts ?? null;
    },
    storePosition: ({ courierId, position, minIntervalMs }, events) =>
      database.$transaction(async (transaction) => {
        const rows = await transaction.$queryRaw<Array<{ last_location_at: Date }>>`
        update courier_profiles
        set last_latitude = ${position.latitude}, last_longitude = ${position.longitude}, last_location_at = now()
        where user_id = ${courierId}::uuid
          and (last_location_at is null or last_location_at <= now() - make_interval(secs => ${minIntervalMs}::float8 / 1000))
        returning last_location_at`;
        const recordedAt = rows[0]?.last_location_at ?? null;
        if (recordedAt !== null) await recordEvents(transaction, events(recordedAt));
        return recordedAt;
      }),
    async lastLocationAt(courierId) {
      const profile = await database.courierProfile.findUnique({ where: { userId: courierId }, select: { lastLocationAt: true } });
      return profile?.lastLocationAt ?? null;
    },
    async positionOf(courierId) {
      const profile = await database.courierProfile.findUnique({
        where: { userId: courierId },
        select: { lastLatitude: true, lastLongitude: true, lastLocationAt: true },
      });
      if (profile === null || profile.lastLatitude === null || profile.lastLongitude === null || profile.lastLocationAt === null)
        return null;
      return { latitude: profile.lastLatitude, longitude: profile.lastLongitude, recordedAt: profile.lastLocationAt };
    },
    run: (work) => database.$transaction(work),
  };
}
