import type pg from 'pg';
import type { CylinderType, StoreRow } from '../database.js';
import type { Product } from '../catalog/product-store.js';
import type { SaleType } from '../events/index.js';
import { storeFromRow } from '../stores/store-store.js';
import type { Store, StoreAuthorization } from '../stores/store.js';
import type { GeoPoint } from '#kit';

/** A store whose coverage box holds the point and that has a matching product, with the cheapest one's price. */
export interface CandidateStore {
  store: Store;
  authorization: StoreAuthorization | null;
  cheapestPriceAmount: number;
}

export interface ProductMatch {
  cylinderType?: CylinderType;
  saleType?: SaleType;
  brand?: string;
  /** Only products with at least this many in stock. */
  quantity: number;
}

/**
 * storesNear's reads: a constant number of statements, whatever the number of stores. Plain SQL
 * on the pool with typed rows: this is the hottest read of the marketplace, and Prisma's query
 * compilation and row mapping were a large part of its cost.
 */
export interface NearbyStoreStore {
  /**
   * Listed stores (active, with an address) whose coverage box holds the point and that have a
   * matching product, with their supplier's authorisation and the cheapest matching price: one
   * statement, served by the GiST index on the boxes and, per store, the first entry of
   * products_store_on_sale_price_idx. The box is a prefilter: deliveryReach decides.
   */
  candidatesCovering(point: GeoPoint, match: ProductMatch): Promise<CandidateStore[]>;
  /** The matching products of these stores, cheapest first (then by id): one statement. */
  matchingProducts(storeIds: readonly string[], match: ProductMatch): Promise<Product[]>;
}

type CandidateRow = StoreRow & { authorizationNumber: string | null; validUntil: string | null; cheapestPriceCents: number };

const storeColumns = `s.id, s.supplier_id as "supplierId", s.name, s.street, s.number, s.complement, s.district, s.city, s.state,
  s.postal_code as "postalCode", s.latitude, s.longitude, s.time_zone as "timeZone",
  s.delivery_radius_m as "deliveryRadiusMeters", s.delivery_polygon as "deliveryPolygon",
  s.opening_hours as "openingHours", s.exceptions, s.pause_reason as "pauseReason", s.paused_since as "pausedSince",
  s.paused_until as "pausedUntil", s.reseller_type::text as "resellerType", s.brand,
  s.minimum_order_cents as "minimumOrderCents", s.currency, s.fee_base_cents as "feeBaseCents",
  s.fee_per_km_cents as "feePerKmCents", s.fee_free_above_cents as "feeFreeAboveCents",
  s.preparation_minutes as "preparationMinutes", s.auto_accept as "autoAccept", s.active, s.revision,
  s.created_at as "createdAt", s.updated_at as "updatedAt"`;

const productColumns = `p.id, p.supplier_id as "supplierId", p.store_id as "storeId", p.brand, p.sale_type::text as "saleType",
  p.name, p.description, p.cylinder_type::text as "cylinderType", p.size_grams as "sizeGrams", p.price_cents as "priceCents",
  p.currency, p.stock_quantity as "stockQuantity", p.low_stock_threshold as "lowStockThreshold", p.active,
  p.created_at as "createdAt", p.updated_at as "updatedAt"`;

/**
 * The conditions a product must meet, numbering its parameters after `values`' (which it extends).
 * `stock_quantity > 0` is implied by the quantity (at least 1) but written out, so that the planner
 * can use the partial index whatever the quantity's parameter.
 */
function productConditions(match: ProductMatch, values: unknown[]): string {
  const parameter = (value: unknown) => `$${values.push(value)}`;
  const conditions = [`p.active`, `p.stock_quantity > 0`, `p.stock_quantity >= ${parameter(match.quantity)}`];
  if (match.cylinderType !== undefined) conditions.push(`p.cylinder_type = ${parameter(match.cylinderType)}::"CylinderType"`);
  if (match.saleType !== undefined) conditions.push(`p.sale_type = ${parameter(match.saleType)}::"SaleType"`);
  if (match.brand !== undefined) conditions.push(`lower(p.brand) = lower(${parameter(match.brand)})`);
  return conditions.join(' and ');
}

export function nearbyStoreStore(pool: pg.Pool): NearbyStoreStore {
  return {
    async candidatesCovering(point, match) {
      const values: unknown[] = [point.latitude, point.longitude];
      // The coverage expression must be the index's own (stores_coverage_idx) for the planner to use
      // it; the 1.01 widens the box because earthdistance's sphere is 0.11% larger than the kit's.
      const { rows } = await pool.query<CandidateRow>(
        `select ${storeColumns},
          l.authorization_number as "authorizationNumber", to_char(l.valid_until, 'YYYY-MM-DD') as "validUntil",
          cheapest.price_cents as "cheapestPriceCents"
        from stores s
        left join supplier_licences l on l.supplier_id = s.supplier_id
        cross join lateral (
          select p.price_cents from products p
          where p.store_id = s.id and ${productConditions(match, values)}
          order by p.price_cents, p.id limit 1
        ) cheapest
        where s.active and s.latitude is not null and s.longitude is not null
          and earth_box(ll_to_earth(s.latitude, s.longitude), s.delivery_radius_m * 1.01) @> ll_to_earth($1, $2)`,
        values,
      );
      return rows.map((row) => ({
        store: storeFromRow(row),
        authorization:
          row.authorizationNumber === null || row.validUntil === null
            ? null
            : { number: row.authorizationNumber, validUntil: row.validUntil },
        cheapestPriceAmount: row.cheapestPriceCents,
      }));
    },
    async matchingProducts(storeIds, match) {
      if (storeIds.length === 0) return [];
      const values: unknown[] = [storeIds];
      const { rows } = await pool.query<Product>(
        `select ${productColumns} from products p
        where p.store_id = any($1::uuid[]) and ${productConditions(match, values)}
        order by p.price_cents, p.id`,
        values,
      );
      return rows;
    },
  };
}
