import { Prisma, type CylinderType, type ProductsDatabase, type StoreRow } from '../database.js';
import type { Product } from '../catalog/product-store.js';
import type { SaleType } from '../events/index.js';
import { storeFromRow } from '../stores/store-store.js';
import type { Store, StoreAuthorization } from '../stores/store.js';
import type { GeoPoint } from '#kit';

export interface CandidateStore {
  store: Store;
  authorization: StoreAuthorization | null;
}

export interface ProductMatch {
  cylinderType?: CylinderType;
  saleType?: SaleType;
  brand?: string;
  /** Only products with at least this many in stock. */
  quantity: number;
}

/** storesNear's reads: a constant number of statements, whatever the number of stores. */
export interface NearbyStoreStore {
  /**
   * Listed stores (active, with an address) whose coverage box holds the point, with their
   * supplier's authorisation: one statement, served by the GiST index on the boxes. The box is a
   * prefilter: deliveryReach decides.
   */
  candidatesCovering(point: GeoPoint): Promise<CandidateStore[]>;
  /** The active products of these stores that match, cheapest first: one statement. */
  matchingProducts(storeIds: readonly string[], match: ProductMatch): Promise<Product[]>;
}

type CandidateRow = StoreRow & { authorizationNumber: string | null; validUntil: string | null };

export function nearbyStoreStore(database: ProductsDatabase): NearbyStoreStore {
  return {
    async candidatesCovering(point) {
      // The expression must be the index's own (stores_coverage_idx) for the planner to use it; the
      // 1.01 widens the box because earthdistance's sphere is 0.11% larger than the kit's.
      const rows = await database.$queryRaw<CandidateRow[]>`
        select s.id, s.supplier_id as "supplierId", s.name, s.street, s.number, s.complement, s.district, s.city, s.state,
          s.postal_code as "postalCode", s.latitude, s.longitude, s.time_zone as "timeZone",
          s.delivery_radius_m as "deliveryRadiusMeters", s.delivery_polygon as "deliveryPolygon",
          s.opening_hours as "openingHours", s.exceptions, s.pause_reason as "pauseReason", s.paused_since as "pausedSince",
          s.paused_until as "pausedUntil", s.reseller_type::text as "resellerType", s.brand,
          s.minimum_order_cents as "minimumOrderCents", s.currency, s.fee_base_cents as "feeBaseCents",
          s.fee_per_km_cents as "feePerKmCents", s.fee_free_above_cents as "feeFreeAboveCents",
          s.preparation_minutes as "preparationMinutes", s.auto_accept as "autoAccept", s.active, s.revision,
          s.created_at as "createdAt", s.updated_at as "updatedAt",
          l.authorization_number as "authorizationNumber", to_char(l.valid_until, 'YYYY-MM-DD') as "validUntil"
        from stores s
        left join supplier_licences l on l.supplier_id = s.supplier_id
        where s.active and s.latitude is not null and s.longitude is not null
          and earth_box(ll_to_earth(s.latitude, s.longitude), s.delivery_radius_m * 1.01) @> ll_to_earth(${point.latitude}, ${point.longitude})`;
      return rows.map((row) => ({
        store: storeFromRow(row),
        authorization:
          row.authorizationNumber === null || row.validUntil === null
            ? null
            : { number: row.authorizationNumber, validUntil: row.validUntil },
      }));
    },
    async matchingProducts(storeIds, match) {
      if (storeIds.length === 0) return [];
      const where: Prisma.ProductWhereInput = {
        storeId: { in: [...storeIds] },
        active: true,
        stockQuantity: { gte: match.quantity },
        ...(match.cylinderType === undefined ? {} : { cylinderType: match.cylinderType }),
        ...(match.saleType === undefined ? {} : { saleType: match.saleType }),
        ...(match.brand === undefined ? {} : { brand: { equals: match.brand, mode: 'insensitive' } }),
      };
      return database.product.findMany({ where, orderBy: [{ priceCents: 'asc' }, { id: 'asc' }] });
    },
  };
}
