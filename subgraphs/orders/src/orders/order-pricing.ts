import type { GraphQLError } from 'graphql';
import { invalidInput, type FieldProblem } from '#kit';
import { deliveryFeeFor, type StoreSnapshot } from '../../../products/src/events/index.js';
import { orderErrors } from '../errors.js';
import type { OrderLine } from './order-input.js';

/** The most one order may cost, in minor units (R$ 1.000.000,00): above it, something is wrong. */
export const MAX_ORDER_TOTAL = 100_000_000;

/** What the catalog snapshot says about a product, as pricing needs it. */
export interface CatalogEntry {
  productId: string;
  supplierId: string;
  /** Null only for a product last described before stores. */
  storeId: string | null;
  name: string;
  cylinderType: string;
  brand: string | null;
  saleType: string | null;
  priceAmount: number;
  currency: string;
  /** Null while orders has no stock figure for it. */
  stockQuantity: number | null;
  /** On sale: active and not deleted. */
  available: boolean;
}

export interface PricedItem {
  position: number;
  productId: string;
  productName: string;
  quantity: number;
  unitPriceAmount: number;
  lineTotalAmount: number;
  saleType: string | null;
  cylinderType: string;
  /** Troca lines: what each empty not handed back will cost; null for other lines. */
  emptyShortfallUnitPrice: number | null;
}

export interface PricedOrder {
  storeId: string;
  supplierId: string;
  currency: string;
  items: PricedItem[];
  subtotalAmount: number;
  deliveryFeeAmount: number;
  totalAmount: number;
}

export interface StorePricing {
  store: StoreSnapshot;
  distanceMeters: number;
  /** The store's products on sale of the classes the troca lines name (completo and vasilhame price the empties). */
  sameClassProducts: readonly CatalogEntry[];
  /** An empty's price when the store sells neither completo nor vasilhame of the class. */
  emptyCylinderFallbackAmount: number;
}

/**
 * Prices lines at one store, in integer minor units, or says why the store will not take them:
 * PRODUCT_UNAVAILABLE names every product the store does not sell, has off sale, or has too few
 * of (by orders' copy of the stock; products' reservation decides any race), BRAND_NOT_ALLOWED
 * every product of another brand at a tied store, BELOW_MINIMUM_ORDER when the subtotal is under
 * the store's minimum. A total above MAX_ORDER_TOTAL is bad input. The fee is the store's rule
 * for the distance and the subtotal.
 */
export function priceAtStore(
  lines: readonly OrderLine[],
  catalog: ReadonlyMap<string, CatalogEntry>,
  pricing: StorePricing,
): {
  order?: PricedOrder;
  refusal?: GraphQLError;
} {
  const { store } = pricing;
  const unavailable: string[] = [];
  const found: Array<{ line: OrderLine & { quantity: number }; product: CatalogEntry }> = [];
  for (const line of lines) {
    const product = catalog.get(line.productId);
    const sold = product !== undefined && product.available && product.storeId === store.storeId && product.currency === store.currency;
    // A bad quantity was reported as input already; this line only keeps the type honest.
    if (!sold || line.quantity === null || (product.stockQuantity !== null && product.stockQuantity < line.quantity)) {
      unavailable.push(line.productId);
      continue;
    }
    found.push({ line: { ...line, quantity: line.quantity }, product });
  }
  if (unavailable.length > 0)
    return {
      refusal: orderErrors.error(
        'PRODUCT_UNAVAILABLE',
        `The store ${store.name} does not sell, has off sale, or has too few in stock of ${unavailable.length === 1 ? 'one product' : `${unavailable.length} products`}: remove ${unavailable.length === 1 ? 'it' : 'them'} or lower the quantity.`,
        { storeId: store.storeId, productIds: unavailable },
      ),
    };
  if (store.resellerType === 'BRANDED' && store.brand !== null) {
    const otherBrand = found
      .filter(({ product }) => product.brand !== null && product.brand !== store.brand)
      .map(({ product }) => product.productId);
    if (otherBrand.length > 0)
      return {
        refusal: orderErrors.error('BRAND_NOT_ALLOWED', `The store ${store.name} is tied to ${store.brand} and may sell only that brand.`, {
          storeId: store.storeId,
          storeBrand: store.brand,
          productIds: otherBrand,
        }),
      };
  }

  const items: PricedItem[] = found.map(({ line, product }) => ({
    position: line.position,
    productId: product.productId,
    productName: product.name,
    quantity: line.quantity,
    unitPriceAmount: product.priceAmount,
    lineTotalAmount: product.priceAmount * line.quantity,
    saleType: product.saleType,
    cylinderType: product.cylinderType,
    emptyShortfallUnitPrice: product.saleType === 'REFILL_EXCHANGE' ? emptyPrice(product, pricing) : null,
  }));
  // Small enough to be exact in a double: at most 20 lines of 50 units under 2^31 each.
  const subtotalAmount = items.reduce((sum, item) => sum + item.lineTotalAmount, 0);
  if (subtotalAmount < store.minimumOrderAmount)
    return {
      refusal: orderErrors.error(
        'BELOW_MINIMUM_ORDER',
        `The store ${store.name} takes orders from ${store.minimumOrderAmount} minor units of ${store.currency}; this one comes to ${subtotalAmount}.`,
        { storeId: store.storeId, minimumOrderAmount: store.minimumOrderAmount, subtotalAmount, currency: store.currency },
      ),
    };
  const deliveryFeeAmount = deliveryFeeFor(store.deliveryFee, pricing.distanceMeters, subtotalAmount);
  const totalAmount = subtotalAmount + deliveryFeeAmount;
  if (totalAmount > MAX_ORDER_TOTAL) {
    const problem: FieldProblem = {
      field: 'input.items',
      message: `bring the total to ${totalAmount} minor units, above the ${MAX_ORDER_TOTAL} an order may cost`,
    };
    return { refusal: invalidInput([problem]) };
  }
  return {
    order: {
      storeId: store.storeId,
      supplierId: store.supplierId,
      currency: store.currency,
      items,
      subtotalAmount,
      deliveryFeeAmount,
      totalAmount,
    },
  };
}

/**
 * What an empty not handed back on a troca line costs: the difference to the same store's
 * cheapest completo of the class (the customer ends up with a container they did not pay for),
 * else the store's cheapest vasilhame of the class, else the platform's fallback.
 */
export function emptyPrice(troca: CatalogEntry, pricing: Pick<StorePricing, 'sameClassProducts' | 'emptyCylinderFallbackAmount'>): number {
  const cheapest = (saleType: string) =>
    pricing.sameClassProducts
      .filter((product) => product.available && product.cylinderType === troca.cylinderType && product.saleType === saleType)
      .reduce<number | null>((low, product) => (low === null || product.priceAmount < low ? product.priceAmount : low), null);
  const completo = cheapest('FULL_WITH_CYLINDER');
  if (completo !== null && completo > troca.priceAmount) return completo - troca.priceAmount;
  return cheapest('EMPTY_CYLINDER') ?? pricing.emptyCylinderFallbackAmount;
}
