import { isUuid, recordEvents, type KeysetCursor, type PendingEvent } from '#kit';
import { Prisma, type CouriersDatabase, type DeliveryOfferRow, type DeliveryRow } from '../database.js';
import type { CouriersTransaction } from '../profiles/profile-store.js';
import { boundingBox, type Point } from './distance.js';
import { MAX_RADIUS_KM } from '../profiles/profile-input.js';

export type Delivery = DeliveryRow;
export type DeliveryOffer = DeliveryOfferRow;

export interface NewDelivery {
  orderId: string;
  customerId: string;
  supplierId: string;
  cylinderCount: number;
  location: Point;
  searchStartedAt: Date;
}

/** An online courier whose area centre lies near the delivery point; the exact test is done in code. */
export interface CandidateCourier {
  userId: string;
  areaCentre: Point;
  radiusMeters: number;
  /** The live position, when the courier has sent one. */
  position: Point | null;
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
   * Online couriers with room for `cylinderCount` whose area centre falls in the box around
   * `point` that any area can reach, who have not been offered this order and are neither
   * holding another offer nor carrying another delivery.
   */
  candidates(transaction: CouriersTransaction, orderId: string, point: Point, cylinderCount: number): Promise<CandidateCourier[]>;
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

export function deliveryStore(database: CouriersDatabase): DeliveryStore {
  return {
    async createDelivery(transaction, delivery) {
      const { count } = await transaction.delivery.createMany({
        data: {
          orderId: delivery.orderId,
          customerId: delivery.customerId,
          supplierId: delivery.supplierId,
          cylinderCount: delivery.cylinderCount,
          latitude: delivery.location.latitude,
          longitude: delivery.location.longitude,
          searchStartedAt: delivery.searchStartedAt,
        },
        skipDuplicates: true,
      });
      return count > 0;
    },
    findDelivery: async (orderId) => (isUuid(orderId) ? database.delivery.findUnique({ where: { orderId } }) : null),
    findDeliveries: (orderIds) => database.delivery.findMany({ where: { orderId: { in: orderIds.filter(isUuid) } } }),
    async lockDelivery(transaction, orderId) {
      if (!isUuid(orderId)) return null;
      const rows = await transaction.$queryRaw<
        Array<{ order_id: string }>
      >`select order_id from deliveries where order_id = ${orderId}::uuid for update`;
      return rows.length === 0 ? null : transaction.delivery.findUnique({ where: { orderId } });
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
      });
    },
    async candidates(transaction, orderId, point, cylinderCount) {
      // A centre farther than the largest radius cannot cover the point.
      const box = boundingBox(point, MAX_RADIUS_KM * 1000);
      const longitudes =
        box.minLongitude <= box.maxLongitude
          ? Prisma.sql`p.service_area_longitude between ${box.minLongitude} and ${box.maxLongitude}`
          : Prisma.sql`(p.service_area_longitude >= ${box.minLongitude} or p.service_area_longitude <= ${box.maxLongitude})`;
      const rows = await transaction.$queryRaw<
        Array<{ user_id: string; lat: number; lon: number; radius: number; last_latitude: number | null; last_longitude: number | null }>
      >`
        select p.user_id, p.service_area_latitude as lat, p.service_area_longitude as lon, p.service_area_radius_meters as radius,
               p.last_latitude, p.last_longitude
        from courier_profiles p
        where p.availability = 'ONLINE'
          and p.service_area_latitude between ${box.minLatitude} and ${box.maxLatitude}
          and ${longitudes}
          and p.capacity_cylinders >= ${cylinderCount}
          and not exists (select 1 from delivery_offers o where o.order_id = ${orderId}::uuid and o.courier_id = p.user_id)
          and not exists (select 1 from delivery_offers o where o.courier_id = p.user_id and o.status = 'PENDING')
          and not exists (select 1 from deliveries d where d.courier_id = p.user_id and d.status in ('ASSIGNED', 'PICKED_UP'))`;
      return rows.map((row) => ({
        userId: row.user_id,
        areaCentre: { latitude: row.lat, longitude: row.lon },
        radiusMeters: row.radius,
        position:
          row.last_latitude === null || row.last_longitude === null ? null : { latitude: row.last_latitude, longitude: row.last_longitude },
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
        database.delivery.findMany({ where, orderBy: [{ createdAt: 'desc' }, { orderId: 'desc' }], take: first + 1 }),
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
