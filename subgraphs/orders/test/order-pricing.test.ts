import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OrderLine } from '../src/orders/order-input.js';
import { emptyPrice, MAX_ORDER_TOTAL, priceAtStore, type CatalogEntry, type StorePricing } from '../src/orders/order-pricing.js';
import { storeSnapshot } from './store-fixture.js';

const store = storeSnapshot();

function product(overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    productId: randomUUID(),
    supplierId: store.supplierId,
    storeId: store.storeId,
    name: 'Botijão P13 troca',
    cylinderType: 'P13',
    brand: 'Ultragaz',
    saleType: 'REFILL_EXCHANGE',
    priceAmount: 11_000,
    currency: 'BRL',
    stockQuantity: 100,
    available: true,
    ...overrides,
  };
}

const catalogOf = (...products: CatalogEntry[]) => new Map(products.map((entry) => [entry.productId, entry]));
const line = (position: number, entry: CatalogEntry, quantity: number | null): OrderLine => ({
  position,
  productId: entry.productId,
  quantity,
});
const pricing = (overrides: Partial<StorePricing> = {}): StorePricing => ({
  store,
  distanceMeters: 2_050,
  sameClassProducts: [],
  emptyCylinderFallbackAmount: 15_000,
  ...overrides,
});

describe('pricing an order at a store', () => {
  it('prices each line, adds the store’s fee for the distance, and fixes what a missing empty costs', () => {
    const troca = product();
    const completo = product({ name: 'Botijão P13 completo', saleType: 'FULL_WITH_CYLINDER', priceAmount: 30_000 });
    const { order, refusal } = priceAtStore(
      [line(0, troca, 2), line(1, completo, 1)],
      catalogOf(troca, completo),
      pricing({ sameClassProducts: [troca, completo] }),
    );
    expect(refusal).toBeUndefined();
    expect(order).toMatchObject({ storeId: store.storeId, supplierId: store.supplierId, currency: 'BRL', subtotalAmount: 52_000 });
    // 500 + 200 per km × 2.1 km (rounded up to 100 m) = 920.
    expect(order?.deliveryFeeAmount).toBe(920);
    expect(order?.totalAmount).toBe(52_920);
    expect(order?.items.map((item) => [item.saleType, item.cylinderType, item.emptyShortfallUnitPrice])).toEqual([
      ['REFILL_EXCHANGE', 'P13', 19_000],
      ['FULL_WITH_CYLINDER', 'P13', null],
    ]);
  });

  it('names every product the store does not sell, has off sale, or has too few of', () => {
    const elsewhere = product({ storeId: randomUUID() });
    const inactive = product({ available: false });
    const scarce = product({ stockQuantity: 1 });
    const unknown = product();
    const fine = product();
    const { order, refusal } = priceAtStore(
      [line(0, elsewhere, 1), line(1, inactive, 1), line(2, scarce, 2), line(3, unknown, 1), line(4, fine, 1)],
      catalogOf(elsewhere, inactive, scarce, fine),
      pricing(),
    );
    expect(order).toBeUndefined();
    expect(refusal?.extensions).toMatchObject({
      code: 'PRODUCT_UNAVAILABLE',
      productIds: [elsewhere.productId, inactive.productId, scarce.productId, unknown.productId],
    });
  });

  it('refuses another brand at a store tied to one', () => {
    const tied = storeSnapshot({ resellerType: 'BRANDED', brand: 'Liquigás' });
    const ours = product({ storeId: tied.storeId, brand: 'Liquigás' });
    const other = product({ storeId: tied.storeId, brand: 'Ultragaz' });
    const { refusal } = priceAtStore([line(0, ours, 1), line(1, other, 1)], catalogOf(ours, other), pricing({ store: tied }));
    expect(refusal?.extensions).toMatchObject({ code: 'BRAND_NOT_ALLOWED', storeBrand: 'Liquigás', productIds: [other.productId] });
    expect(priceAtStore([line(0, ours, 1)], catalogOf(ours), pricing({ store: tied })).order).toBeDefined();
  });

  it('refuses a subtotal under the store’s minimum, saying both amounts', () => {
    const demanding = storeSnapshot({ minimumOrderAmount: 20_000 });
    const troca = product({ storeId: demanding.storeId });
    const { refusal } = priceAtStore([line(0, troca, 1)], catalogOf(troca), pricing({ store: demanding }));
    expect(refusal?.extensions).toMatchObject({ code: 'BELOW_MINIMUM_ORDER', minimumOrderAmount: 20_000, subtotalAmount: 11_000 });
    expect(priceAtStore([line(0, troca, 2)], catalogOf(troca), pricing({ store: demanding })).order?.subtotalAmount).toBe(22_000);
  });

  it('charges no fee from the store’s free-above total on', () => {
    const generous = storeSnapshot({ deliveryFee: { baseAmount: 500, perKmAmount: 200, freeAboveAmount: 22_000 } });
    const troca = product({ storeId: generous.storeId });
    expect(priceAtStore([line(0, troca, 1)], catalogOf(troca), pricing({ store: generous })).order?.deliveryFeeAmount).toBe(920);
    expect(priceAtStore([line(0, troca, 2)], catalogOf(troca), pricing({ store: generous })).order?.deliveryFeeAmount).toBe(0);
  });

  it('accepts a total of exactly the ceiling and refuses one centavo more as bad input', () => {
    const free = storeSnapshot({ deliveryFee: { baseAmount: 0, perKmAmount: 0, freeAboveAmount: null } });
    const dear = product({ storeId: free.storeId, priceAmount: 2_000_000, saleType: 'FULL_WITH_CYLINDER' });
    expect(priceAtStore([line(0, dear, 50)], catalogOf(dear), pricing({ store: free })).order?.totalAmount).toBe(MAX_ORDER_TOTAL);
    const costly = storeSnapshot({ deliveryFee: { baseAmount: 1, perKmAmount: 0, freeAboveAmount: null } });
    const refused = priceAtStore(
      [line(0, { ...dear, storeId: costly.storeId }, 50)],
      catalogOf({ ...dear, storeId: costly.storeId }),
      pricing({ store: costly }),
    );
    expect(refused.refusal?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('what a missing empty costs on a troca line', () => {
  const troca = product();
  it('is the difference to the store’s cheapest completo of the class', () => {
    const completos = [30_000, 28_000].map((priceAmount) => product({ saleType: 'FULL_WITH_CYLINDER', priceAmount }));
    expect(emptyPrice(troca, { sameClassProducts: completos, emptyCylinderFallbackAmount: 1 })).toBe(17_000);
  });
  it('is the store’s vasilhame price without a completo, and the platform’s fallback without either', () => {
    const vasilhame = product({ saleType: 'EMPTY_CYLINDER', priceAmount: 16_000 });
    const otherClass = product({ saleType: 'FULL_WITH_CYLINDER', cylinderType: 'P45', priceAmount: 90_000 });
    expect(emptyPrice(troca, { sameClassProducts: [vasilhame, otherClass], emptyCylinderFallbackAmount: 1 })).toBe(16_000);
    expect(emptyPrice(troca, { sameClassProducts: [otherClass], emptyCylinderFallbackAmount: 15_000 })).toBe(15_000);
  });
});
