import { z } from 'zod';
import { defineEvent, eventTime, greatCircleMeters, HOURS_PATTERN, insidePolygon, type GeoPoint } from '#kit';

/** Stores' topic: keyed by the store, so one store's changes are read in the order they were made. */
export const STORE_TOPIC = 'store.events';

/** How a cylinder is sold: troca (the customer hands back an empty of the class), completo (with a new container), or the empty container alone. */
export const saleTypeSchema = z.enum(['REFILL_EXCHANGE', 'FULL_WITH_CYLINDER', 'EMPTY_CYLINDER']);
export type SaleType = z.infer<typeof saleTypeSchema>;

/** ANP Resolution 958/2023: a revenda either sells any brand, or is tied to one distributor's brand and sells only it. */
export const resellerTypeSchema = z.enum(['INDEPENDENT', 'BRANDED']);

const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);
export const geoPointSchema = z.object({ latitude, longitude });
const localDate = z.iso.date();
const hours = z.string().regex(HOURS_PATTERN);

export const storeAddressSchema = z.object({
  street: z.string(),
  number: z.string(),
  complement: z.string().nullable(),
  district: z.string(),
  city: z.string(),
  /** Two-letter code of the Brazilian state (UF). */
  state: z.string().length(2),
  /** The CEP, 8 digits. */
  postalCode: z.string().regex(/^\d{8}$/),
  latitude,
  longitude,
});

/**
 * Where a store delivers: within `radiusMeters` of its address, and, when a polygon is given, also
 * inside it (the polygon narrows the circle; it never widens it).
 */
export const deliveryAreaSchema = z.object({
  radiusMeters: z.number().int().positive(),
  polygon: z.array(geoPointSchema).min(3).nullable(),
});
export type DeliveryArea = z.infer<typeof deliveryAreaSchema>;

/** Opening hours on a weekday, 1 (Monday) to 7 (Sunday); `closes` at or before `opens` runs past midnight. */
export const weeklyHoursSchema = z.object({ weekday: z.number().int().min(1).max(7), opens: hours, closes: hours });
/** A local date whose hours replace its weekday's (a holiday): none when `closed`. */
export const datedHoursSchema = z.object({
  date: localDate,
  closed: z.boolean(),
  hours: z.array(z.object({ opens: hours, closes: hours })),
  reason: z.string().nullable(),
});

/** The fee for a delivery: base + perKm × kilometres (rounded up to the next 100 m), nothing from freeAboveAmount on. */
export const deliveryFeeRuleSchema = z.object({
  baseAmount: z.number().int().nonnegative(),
  perKmAmount: z.number().int().nonnegative(),
  freeAboveAmount: z.number().int().positive().nullable(),
});
export type DeliveryFeeRule = z.infer<typeof deliveryFeeRuleSchema>;

/** The store's ANP authorisation (from the supplier's approved licence document); it closes the store after `validUntil`. */
export const authorizationSchema = z.object({ number: z.string(), validUntil: localDate });

export const storePauseSchema = z.object({
  reason: z.string().nullable(),
  since: eventTime,
  /** The pause ends by itself then; null until the store resumes. */
  until: eventTime.nullable(),
});

/**
 * Everything another service needs to judge an order against a store. Each event carries the whole
 * store; `revision` grows by one with every change, so a projection keeps the highest it has seen.
 */
export const storeSnapshotSchema = z.object({
  storeId: z.uuid(),
  supplierId: z.uuid(),
  revision: z.number().int().positive(),
  name: z.string(),
  address: storeAddressSchema,
  /** IANA time zone the hours are in (America/Sao_Paulo). */
  timeZone: z.string(),
  deliveryArea: deliveryAreaSchema,
  openingHours: z.array(weeklyHoursSchema),
  exceptions: z.array(datedHoursSchema),
  pause: storePauseSchema.nullable(),
  authorization: authorizationSchema.nullable(),
  resellerType: resellerTypeSchema,
  /** The brand a BRANDED store is tied to; null for an independent one. */
  brand: z.string().nullable(),
  minimumOrderAmount: z.number().int().nonnegative(),
  currency: z.string().length(3),
  deliveryFee: deliveryFeeRuleSchema,
  /** Minutes between accepting an order and a courier being able to pick it up. */
  preparationMinutes: z.number().int().nonnegative(),
  /** Orders are accepted as soon as they are paid (cash: reserved), without waiting for the store. */
  autoAccept: z.boolean(),
  /** Listed and taking orders (a store being set up, or closed by its owner, is not). */
  active: z.boolean(),
  updatedAt: eventTime,
});
export type StoreSnapshot = z.infer<typeof storeSnapshotSchema>;

const store = { topic: STORE_TOPIC, version: 1, producer: 'products', key: 'storeId' } as const;

export const StoreEvents = {
  created: defineEvent({ ...store, type: 'store.created', data: storeSnapshotSchema }),
  updated: defineEvent({ ...store, type: 'store.updated', data: storeSnapshotSchema.extend({ changed: z.array(z.string()) }) }),
  paused: defineEvent({ ...store, type: 'store.paused', data: storeSnapshotSchema }),
  resumed: defineEvent({ ...store, type: 'store.resumed', data: storeSnapshotSchema }),
} as const;

/*
 * What the snapshot means, written once: products lists stores with it, orders refuses orders with
 * it, so the two never disagree about an area, a fee or an authorisation.
 */

/** Whether the store's delivery area covers a point, and how far the point is from the store. */
export function deliveryReach(area: DeliveryArea, storePoint: GeoPoint, point: GeoPoint): { covered: boolean; distanceMeters: number } {
  const distanceMeters = Math.round(greatCircleMeters(storePoint, point));
  const covered = distanceMeters <= area.radiusMeters && (area.polygon === null || insidePolygon(point, area.polygon));
  return { covered, distanceMeters };
}

/** The fee for a delivery of `distanceMeters` on an order of `subtotalAmount`, in minor units. */
export function deliveryFeeFor(rule: DeliveryFeeRule, distanceMeters: number, subtotalAmount: number): number {
  if (rule.freeAboveAmount !== null && subtotalAmount >= rule.freeAboveAmount) return 0;
  const tenthsOfKm = Math.ceil(distanceMeters / 100);
  return rule.baseAmount + Math.ceil((rule.perKmAmount * tenthsOfKm) / 10);
}

/** Average courier speed in town, for the time estimate: 20 km/h, about what a motorcycle with a sidecar keeps in São Paulo traffic. */
export const TRAVEL_METERS_PER_MINUTE = 20_000 / 60;

/** Minutes from acceptance to the door: the store's preparation plus the ride at TRAVEL_METERS_PER_MINUTE. */
export function estimatedDeliveryMinutes(preparationMinutes: number, distanceMeters: number): number {
  return preparationMinutes + Math.ceil(distanceMeters / TRAVEL_METERS_PER_MINUTE);
}

/** Whether the store's authorisation is valid on a local date (YYYY-MM-DD in the store's zone); none is not valid. */
export function authorizationValidOn(authorization: StoreSnapshot['authorization'], localDate: string): boolean {
  return authorization !== null && localDate <= authorization.validUntil;
}

/** Whether a pause holds at an instant (a pause with an end lifts by itself then). */
export function pausedAt(pause: StoreSnapshot['pause'], at: Date): boolean {
  return pause !== null && (pause.until === null || at < new Date(pause.until));
}
