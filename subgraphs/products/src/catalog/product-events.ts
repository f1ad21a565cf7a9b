import { pendingEvent, type EventOrigin, type PendingEvent } from '#kit';
import type { ChangeEvents, Product } from './product-store.js';
import { ProductEvents } from '../events/index.js';

const snapshot = (product: Product) => ({
  productId: product.id,
  supplierId: product.supplierId,
  name: product.name,
  cylinderType: product.cylinderType,
  priceAmount: product.priceCents,
  currency: product.currency,
  stockQuantity: product.stockQuantity,
  lowStockThreshold: product.lowStockThreshold,
  active: product.active,
  storeId: product.storeId,
  brand: product.brand,
  saleType: product.saleType,
});

/** Public names of the columns that changed, as consumers see them. */
const watchedFields: ReadonlyArray<[keyof Product, string]> = [
  ['name', 'name'],
  ['description', 'description'],
  ['cylinderType', 'cylinderType'],
  ['sizeGrams', 'sizeKg'],
  ['priceCents', 'price'],
  ['currency', 'price'],
  ['stockQuantity', 'stockQuantity'],
  ['lowStockThreshold', 'lowStockThreshold'],
  ['active', 'active'],
  ['brand', 'brand'],
  ['saleType', 'saleType'],
];

/**
 * The catalog's events for one change: product.created, product.updated
 * (with the fields that changed) and product.deleted, plus inventory.updated
 * whenever the stock moved, saying whether it crossed the low-stock threshold.
 */
export function productChangeEvents(origin: EventOrigin): ChangeEvents {
  return (before, after) => {
    if (after === null) {
      return before === null
        ? []
        : [
            pendingEvent(ProductEvents.deleted, origin, before.id, {
              productId: before.id,
              supplierId: before.supplierId,
              storeId: before.storeId,
            }),
          ];
    }
    if (before === null) return [pendingEvent(ProductEvents.created, origin, after.id, snapshot(after))];
    const changed = [...new Set(watchedFields.filter(([column]) => before[column] !== after[column]).map(([, name]) => name))];
    if (changed.length === 0) return [];
    const events: PendingEvent[] = [pendingEvent(ProductEvents.updated, origin, after.id, { ...snapshot(after), changed })];
    if (before.stockQuantity !== after.stockQuantity) {
      const threshold = after.lowStockThreshold;
      events.push(
        pendingEvent(ProductEvents.inventoryUpdated, origin, after.id, {
          productId: after.id,
          supplierId: after.supplierId,
          storeId: after.storeId,
          previousQuantity: before.stockQuantity,
          stockQuantity: after.stockQuantity,
          lowStockThreshold: threshold,
          crossedLowThreshold: threshold !== null && before.stockQuantity > threshold && after.stockQuantity <= threshold,
        }),
      );
    }
    return events;
  };
}
