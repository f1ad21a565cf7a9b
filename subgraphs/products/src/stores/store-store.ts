import { isUuid, recordEvents, type PendingEvent } from '#kit';
import { z } from 'zod';
import { datedHoursSchema, geoPointSchema, weeklyHoursSchema } from '../events/index.js';
import { Prisma, type ProductsDatabase, type StoreRow } from '../database.js';
import type { ProductsTransaction } from '../catalog/product-store.js';
import type { Store, StoreAuthorization, StoreFields, StorePause } from './store.js';

/** The events a store change causes, from the store before and after it and the supplier's authorisation. */
export type StoreChangeEvents = (before: Store | null, after: Store, authorization: StoreAuthorization | null) => PendingEvent[];

/** A change to a locked store: new fields, a new pause (null lifts it; absent keeps it), or nothing to change. */
export interface StoreChange {
  fields?: StoreFields;
  pause?: StorePause | null;
}

export interface StoreStore {
  create(store: { id: string; supplierId: string } & StoreFields, events: StoreChangeEvents): Promise<Store>;
  findById(id: string): Promise<Store | null>;
  findByIds(ids: readonly string[]): Promise<Store[]>;
  /** A supplier's stores, oldest first. */
  listBySupplier(supplierId: string): Promise<Store[]>;
  /**
   * Locks the store, asks `change` what to do with it, and writes the change with revision + 1
   * and its events in one transaction. Null when the store does not exist; the store unchanged
   * when `change` returns null.
   */
  update(
    id: string,
    change: (before: Store) => StoreChange | null | Promise<StoreChange | null>,
    events: StoreChangeEvents,
  ): Promise<Store | null>;
  /** Deactivates every active store of a supplier, each with a new revision and its events; returns the stores changed. */
  deactivateAllOf(transaction: ProductsTransaction, supplierId: string, events: StoreChangeEvents): Promise<Store[]>;
  /** The authorisations of these suppliers, by supplier. */
  authorizationsOf(supplierIds: readonly string[]): Promise<Map<string, StoreAuthorization>>;
  /**
   * Records an approved licence unless a newer approval is on record; then every store of the
   * supplier that has an address takes a new revision and its events. Returns the stores changed.
   */
  recordLicence(
    transaction: ProductsTransaction,
    licence: { supplierId: string; authorizationNumber: string; validUntil: string; documentId: string; approvedAt: Date },
    events: StoreChangeEvents,
  ): Promise<Store[]>;
}

const polygonSchema = z.array(geoPointSchema).nullable();
const hoursSchema = z.array(weeklyHoursSchema);
const exceptionsSchema = z.array(datedHoursSchema);

export function storeFromRow(row: StoreRow): Store {
  const hasAddress =
    row.street !== null &&
    row.number !== null &&
    row.district !== null &&
    row.city !== null &&
    row.state !== null &&
    row.postalCode !== null &&
    row.latitude !== null &&
    row.longitude !== null;
  return {
    id: row.id,
    supplierId: row.supplierId,
    name: row.name,
    address: hasAddress
      ? {
          street: row.street!,
          number: row.number!,
          complement: row.complement,
          district: row.district!,
          city: row.city!,
          state: row.state!,
          postalCode: row.postalCode!,
          latitude: row.latitude!,
          longitude: row.longitude!,
        }
      : null,
    timeZone: row.timeZone,
    deliveryArea: { radiusMeters: row.deliveryRadiusMeters, polygon: polygonSchema.parse(row.deliveryPolygon ?? null) },
    openingHours: hoursSchema.parse(row.openingHours),
    exceptions: exceptionsSchema.parse(row.exceptions),
    pause: row.pausedSince === null ? null : { reason: row.pauseReason, since: row.pausedSince, until: row.pausedUntil },
    resellerType: row.resellerType,
    brand: row.brand,
    minimumOrderAmount: row.minimumOrderCents,
    currency: row.currency,
    deliveryFee: { baseAmount: row.feeBaseCents, perKmAmount: row.feePerKmCents, freeAboveAmount: row.feeFreeAboveCents },
    preparationMinutes: row.preparationMinutes,
    autoAccept: row.autoAccept,
    active: row.active,
    revision: row.revision,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function columnsOf(fields: StoreFields) {
  return {
    name: fields.name,
    street: fields.address.street,
    number: fields.address.number,
    complement: fields.address.complement,
    district: fields.address.district,
    city: fields.address.city,
    state: fields.address.state,
    postalCode: fields.address.postalCode,
    latitude: fields.address.latitude,
    longitude: fields.address.longitude,
    timeZone: fields.timeZone,
    deliveryRadiusMeters: fields.deliveryArea.radiusMeters,
    deliveryPolygon: fields.deliveryArea.polygon === null ? Prisma.DbNull : fields.deliveryArea.polygon,
    openingHours: fields.openingHours,
    exceptions: fields.exceptions,
    resellerType: fields.resellerType,
    brand: fields.brand,
    minimumOrderCents: fields.minimumOrderAmount,
    currency: fields.currency,
    feeBaseCents: fields.deliveryFee.baseAmount,
    feePerKmCents: fields.deliveryFee.perKmAmount,
    feeFreeAboveCents: fields.deliveryFee.freeAboveAmount,
    preparationMinutes: fields.preparationMinutes,
    autoAccept: fields.autoAccept,
    active: fields.active,
  };
}

const pauseColumns = (pause: StorePause | null) => ({
  pauseReason: pause?.reason ?? null,
  pausedSince: pause?.since ?? null,
  pausedUntil: pause?.until ?? null,
});

const dateOnly = (date: Date) => date.toISOString().slice(0, 10);

async function authorizationOf(client: ProductsTransaction | ProductsDatabase, supplierId: string): Promise<StoreAuthorization | null> {
  const licence = await client.supplierLicence.findUnique({ where: { supplierId } });
  return licence === null ? null : { number: licence.authorizationNumber, validUntil: dateOnly(licence.validUntil) };
}

export function storeStore(database: ProductsDatabase): StoreStore {
  return {
    async create(store, events) {
      return database.$transaction(async (transaction) => {
        const row = await transaction.store.create({ data: { id: store.id, supplierId: store.supplierId, ...columnsOf(store) } });
        const created = storeFromRow(row);
        await recordEvents(transaction, events(null, created, await authorizationOf(transaction, store.supplierId)));
        return created;
      });
    },
    async findById(id) {
      if (!isUuid(id)) return null;
      const row = await database.store.findUnique({ where: { id } });
      return row === null ? null : storeFromRow(row);
    },
    async findByIds(ids) {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return (await database.store.findMany({ where: { id: { in: valid } } })).map(storeFromRow);
    },
    async listBySupplier(supplierId) {
      if (!isUuid(supplierId)) return [];
      const rows = await database.store.findMany({ where: { supplierId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return rows.map(storeFromRow);
    },
    async update(id, change, events) {
      if (!isUuid(id)) return null;
      return database.$transaction(async (transaction) => {
        const locked = await transaction.$queryRaw<Array<{ id: string }>>`select id from stores where id = ${id}::uuid for update`;
        if (locked.length === 0) return null;
        const before = storeFromRow(await transaction.store.findUniqueOrThrow({ where: { id } }));
        const decided = await change(before);
        if (decided === null) return before;
        const row = await transaction.store.update({
          where: { id },
          data: {
            ...(decided.fields === undefined ? {} : columnsOf(decided.fields)),
            ...(decided.pause === undefined ? {} : pauseColumns(decided.pause)),
            revision: { increment: 1 },
          },
        });
        const after = storeFromRow(row);
        await recordEvents(transaction, events(before, after, await authorizationOf(transaction, after.supplierId)));
        return after;
      });
    },
    async deactivateAllOf(transaction, supplierId, events) {
      const locked = await transaction.$queryRaw<Array<{ id: string }>>`
        select id from stores where supplier_id = ${supplierId}::uuid and active order by id for update`;
      if (locked.length === 0) return [];
      const ids = locked.map((row) => row.id);
      const before = new Map((await transaction.store.findMany({ where: { id: { in: ids } } })).map((row) => [row.id, storeFromRow(row)]));
      await transaction.store.updateMany({ where: { id: { in: ids } }, data: { active: false, revision: { increment: 1 } } });
      const after = (await transaction.store.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } })).map(storeFromRow);
      const authorization = await authorizationOf(transaction, supplierId);
      await recordEvents(
        transaction,
        after.flatMap((store) => events(before.get(store.id) ?? null, store, authorization)),
      );
      return after;
    },
    async authorizationsOf(supplierIds) {
      const valid = [...new Set(supplierIds.filter(isUuid))];
      if (valid.length === 0) return new Map();
      const licences = await database.supplierLicence.findMany({ where: { supplierId: { in: valid } } });
      return new Map(
        licences.map((licence) => [licence.supplierId, { number: licence.authorizationNumber, validUntil: dateOnly(licence.validUntil) }]),
      );
    },
    async recordLicence(transaction, licence, events) {
      // The newest approval wins, whatever order the events arrive in; one written without an
      // approval time (support, tests) yields to any approval.
      const written = await transaction.$executeRaw`
        insert into supplier_licences (supplier_id, authorization_number, valid_until, document_id, approved_at, updated_at)
        values (${licence.supplierId}::uuid, ${licence.authorizationNumber}, ${licence.validUntil}::date, ${licence.documentId}::uuid, ${licence.approvedAt}, now())
        on conflict (supplier_id) do update set
          authorization_number = excluded.authorization_number, valid_until = excluded.valid_until,
          document_id = excluded.document_id, approved_at = excluded.approved_at, updated_at = now()
        where supplier_licences.approved_at is null or supplier_licences.approved_at <= excluded.approved_at`;
      if (written === 0) return [];
      const authorization: StoreAuthorization = { number: licence.authorizationNumber, validUntil: licence.validUntil };
      const locked = await transaction.$queryRaw<Array<{ id: string }>>`
        select id from stores where supplier_id = ${licence.supplierId}::uuid and latitude is not null order by id for update`;
      if (locked.length === 0) return [];
      const ids = locked.map((row) => row.id);
      const before = (await transaction.store.findMany({ where: { id: { in: ids } } })).map(storeFromRow);
      await transaction.store.updateMany({ where: { id: { in: ids } }, data: { revision: { increment: 1 } } });
      const after = (await transaction.store.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } })).map(storeFromRow);
      const previous = new Map(before.map((store) => [store.id, store]));
      await recordEvents(
        transaction,
        after.flatMap((store) => events(previous.get(store.id) ?? null, store, authorization)),
      );
      return after;
    },
  };
}
