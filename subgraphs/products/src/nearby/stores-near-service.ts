import { invalidInput, notFound, requireViewer, zonedDate, type FieldProblem, type GeoPoint, type Viewer } from '#kit';
import { authorizationValidOn, deliveryFeeFor, deliveryReach, estimatedDeliveryMinutes, type SaleType } from '../events/index.js';
import type { CylinderType } from '../database.js';
import type { Product } from '../catalog/product-store.js';
import { storeState, type StoreStatus } from '../stores/store-status.js';
import type { Store } from '../stores/store.js';
import type { AddressPointStore } from './address-point-store.js';
import type { NearbyStoreStore, ProductMatch } from './nearby-store-store.js';
import type { OpeningHoursMemo } from '../stores/opening-hours-memo.js';

export const MAX_NEARBY_QUANTITY = 50;
export const MAX_NEARBY_RESULTS = 50;

export type StoresNearSort = 'TOTAL_PRICE' | 'DELIVERY_TIME' | 'DISTANCE';

export interface StoresNearQuery {
  near: { latitude?: number | null; longitude?: number | null; addressId?: string | null };
  cylinderType?: CylinderType | null;
  saleType?: SaleType | null;
  brand?: string | null;
  quantity?: number | null;
  sort?: StoresNearSort | null;
  openOnly?: boolean | null;
  first?: number | null;
}

/** One store that delivers to the point, with what it would cost and when it would arrive. */
export interface NearbyStore {
  store: Store;
  status: StoreStatus;
  distanceMeters: number;
  openNow: boolean;
  opensAt: Date | null;
  /** Preparation plus the ride (estimatedDeliveryMinutes), from when the store can start. */
  estimatedMinutes: number;
  /** When it would arrive if ordered now: from now when the store takes orders, else from its opening (or the pause's end); null when unknown. */
  estimatedDeliveryAt: Date | null;
  /** Active, in stock for the quantity, of the class, sale type and brand asked; cheapest first. */
  products: Product[];
  cheapestPriceAmount: number;
  subtotalAmount: number;
  deliveryFeeAmount: number;
  totalAmount: number;
  currency: string;
}

interface ValidQuery {
  point: GeoPoint | null;
  addressId: string | null;
  quantity: number;
  first: number;
  sort: StoresNearSort;
  openOnly: boolean;
  brand: string | null;
}

function validate(query: StoresNearQuery): ValidQuery {
  const problems: FieldProblem[] = [];
  const { latitude, longitude, addressId } = query.near;
  const hasPoint = (latitude ?? null) !== null || (longitude ?? null) !== null;
  const hasAddress = (addressId ?? null) !== null;
  if (hasPoint && hasAddress) problems.push({ field: 'near', message: 'give either latitude and longitude or addressId, not both' });
  if (!hasPoint && !hasAddress)
    problems.push({ field: 'near', message: 'give latitude and longitude, or the addressId of a saved address' });
  if (hasPoint) {
    if (latitude === null || latitude === undefined || !Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
      problems.push({ field: 'near.latitude', message: 'must be between -90 and 90' });
    }
    if (longitude === null || longitude === undefined || !Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
      problems.push({ field: 'near.longitude', message: 'must be between -180 and 180' });
    }
  }
  const quantity = query.quantity ?? 1;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_NEARBY_QUANTITY) {
    problems.push({ field: 'quantity', message: `must be a whole number from 1 to ${MAX_NEARBY_QUANTITY}` });
  }
  const first = query.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_NEARBY_RESULTS) {
    problems.push({ field: 'first', message: `must be a whole number from 1 to ${MAX_NEARBY_RESULTS}` });
  }
  const brand = query.brand?.trim() || null;
  if (problems.length > 0) throw invalidInput(problems);
  return {
    point: hasPoint ? { latitude: latitude!, longitude: longitude! } : null,
    addressId: hasAddress ? addressId! : null,
    quantity,
    first,
    sort: query.sort ?? 'TOTAL_PRICE',
    openOnly: query.openOnly ?? false,
    brand,
  };
}

const MINUTE = 60_000;

/** "Who delivers to me": the stores whose area covers a point, judged with the store contract's functions. */
export class StoresNearService {
  constructor(
    private readonly nearby: NearbyStoreStore,
    private readonly addresses: AddressPointStore,
    private readonly openingHours: OpeningHoursMemo,
  ) {}

  async find(viewer: Viewer | null, query: StoresNearQuery, now: Date): Promise<NearbyStore[]> {
    const valid = validate(query);
    const point = valid.point ?? (await this.addressPoint(viewer, valid.addressId!));
    const match: ProductMatch = {
      quantity: valid.quantity,
      ...(query.cylinderType ? { cylinderType: query.cylinderType } : {}),
      ...(query.saleType ? { saleType: query.saleType } : {}),
      ...(valid.brand === null ? {} : { brand: valid.brand }),
    };
    // Each candidate comes with its cheapest matching price only: ranking needs no more, and only
    // the stores listed need their products.
    const candidates = await this.nearby.candidatesCovering(point, match);
    const ranked = candidates.flatMap(({ store, authorization, cheapestPriceAmount }): Unpriced[] => {
      const reach = deliveryReach(store.deliveryArea, store.address!, point);
      // An unauthorised store may not sell gas: it is never listed. Closed and paused ones are, with their status.
      if (!reach.covered || !authorizationValidOn(authorization, zonedDate(now, store.timeZone).date)) return [];
      const state = storeState(store, authorization, now, this.openingHours.stateOf(store, now));
      if (valid.openOnly && state.status !== 'OPEN') return [];
      const estimatedMinutes = estimatedDeliveryMinutes(store.preparationMinutes, reach.distanceMeters);
      const startsAt = state.status === 'OPEN' ? now : state.status === 'PAUSED' ? (store.pause?.until ?? null) : state.opensAt;
      return [
        {
          ...priced(store, reach.distanceMeters, cheapestPriceAmount, valid.quantity),
          store,
          status: state.status,
          distanceMeters: reach.distanceMeters,
          openNow: state.openNow,
          opensAt: state.opensAt,
          estimatedMinutes,
          estimatedDeliveryAt: startsAt === null ? null : new Date(startsAt.getTime() + estimatedMinutes * MINUTE),
        },
      ];
    });
    const listed = ranked.sort(comparing(valid.sort)).slice(0, valid.first);

    if (listed.length === 0) return [];
    const products = await this.nearby.matchingProducts(
      listed.map((entry) => entry.store.id),
      match,
    );
    const byStore = new Map<string, Product[]>();
    for (const product of products) {
      const list = byStore.get(product.storeId);
      if (list === undefined) byStore.set(product.storeId, [product]);
      else list.push(product);
    }
    return listed.flatMap((entry): NearbyStore[] => {
      const matching = byStore.get(entry.store.id);
      // Sold out or repriced between the two statements: the entry says what the store sells now.
      if (matching === undefined) return [];
      const cheapest = matching[0]!.priceCents;
      const repriced = cheapest === entry.cheapestPriceAmount ? {} : priced(entry.store, entry.distanceMeters, cheapest, valid.quantity);
      return [{ ...entry, ...repriced, products: matching }];
    });
  }

  private async addressPoint(viewer: Viewer | null, addressId: string): Promise<GeoPoint> {
    const actor = requireViewer(viewer);
    const address = await this.addresses.find(addressId);
    // Someone else's address is as unknown as a missing one.
    if (address === null || address.userId !== actor.userId) throw notFound('Address');
    return address;
  }
}

type Unpriced = Omit<NearbyStore, 'products'>;

/** What `quantity` of the cheapest product would cost, delivered over this distance. */
function priced(store: Store, distanceMeters: number, cheapestPriceAmount: number, quantity: number) {
  const subtotalAmount = cheapestPriceAmount * quantity;
  const deliveryFeeAmount = deliveryFeeFor(store.deliveryFee, distanceMeters, subtotalAmount);
  return {
    cheapestPriceAmount,
    subtotalAmount,
    deliveryFeeAmount,
    totalAmount: subtotalAmount + deliveryFeeAmount,
    currency: store.currency,
  };
}

const arrival = (result: Unpriced) => result.estimatedDeliveryAt?.getTime() ?? Number.POSITIVE_INFINITY;

/** Stores taking orders now come first; then the order asked for, ties broken by distance and id so pages are stable. */
function comparing(sort: StoresNearSort): (a: Unpriced, b: Unpriced) => number {
  const key: Record<StoresNearSort, (a: Unpriced, b: Unpriced) => number> = {
    TOTAL_PRICE: (a, b) => a.totalAmount - b.totalAmount || arrival(a) - arrival(b),
    DELIVERY_TIME: (a, b) => arrival(a) - arrival(b) || a.totalAmount - b.totalAmount,
    DISTANCE: (a, b) => a.distanceMeters - b.distanceMeters,
  };
  return (a, b) =>
    Number(b.status === 'OPEN') - Number(a.status === 'OPEN') ||
    key[sort](a, b) ||
    a.distanceMeters - b.distanceMeters ||
    (a.store.id < b.store.id ? -1 : a.store.id > b.store.id ? 1 : 0);
}
