import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OrderLine } from '../src/orders/order-input.js';
import { MAX_ORDER_TOTAL, priceOrder, type CatalogEntry } from '../src/orders/order-pricing.js';

const supplierId = randomUUID();

function product(overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  return { productId: randomUUID(), supplierId, name: 'Botijão P13', priceAmount: 11_000, currency: 'BRL', available: true, ...overrides };
}

const catalogOf = (...products: CatalogEntry[]) => new Map(products.map((entry) => [entry.productId, entry]));
const line = (position: number, entry: CatalogEntry, quantity: number | null): OrderLine => ({
  position,
  productId: entry.productId,
  quantity,
});
const fields = (problems: Array<{ field: string }>) => problems.map((problem) => problem.field);

describe('pricing an order', () => {
  it('prices each line from the snapshot and adds the delivery fee, in integer minor units', () => {
    const p13 = product();
    const p45 = product({ name: 'Cilindro P45', priceAmount: 39_990 });
    const { order, problems } = priceOrder([line(0, p13, 2), line(1, p45, 3)], catalogOf(p13, p45), 1_500);
    expect(problems).toEqual([]);
    expect(order).toEqual({
      supplierId,
      currency: 'BRL',
      items: [
        {
          position: 0,
          productId: p13.productId,
          productName: 'Botijão P13',
          quantity: 2,
          unitPriceAmount: 11_000,
          lineTotalAmount: 22_000,
        },
        {
          position: 1,
          productId: p45.productId,
          productName: 'Cilindro P45',
          quantity: 3,
          unitPriceAmount: 39_990,
          lineTotalAmount: 119_970,
        },
      ],
      subtotalAmount: 141_970,
      deliveryFeeAmount: 1_500,
      totalAmount: 143_470,
    });
  });

  it('names every line whose product is unknown or not on sale, with the same words for both', () => {
    const inactive = product({ available: false });
    const unknown = product();
    const { order, problems } = priceOrder([line(0, inactive, 1), line(1, unknown, 1)], catalogOf(inactive), 0);
    expect(order).toBeNull();
    expect(fields(problems)).toEqual(['input.items.0.productId', 'input.items.1.productId']);
    expect(problems[0]?.message).toBe(problems[1]?.message);
  });

  it('refuses products of two suppliers, and prices in two currencies', () => {
    const mine = product();
    const theirs = product({ supplierId: randomUUID(), currency: 'USD' });
    const { order, problems } = priceOrder([line(0, mine, 1), line(1, theirs, 1)], catalogOf(mine, theirs), 0);
    expect(order).toBeNull();
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining('2 suppliers'),
      expect.stringContaining('different currencies (BRL, USD)'),
    ]);
  });

  it('accepts a total of exactly the ceiling and refuses one centavo more', () => {
    const dear = product({ priceAmount: 2_000_000 });
    expect(priceOrder([line(0, dear, 50)], catalogOf(dear), 0).order?.totalAmount).toBe(MAX_ORDER_TOTAL);
    const refused = priceOrder([line(0, dear, 50)], catalogOf(dear), 1);
    expect(refused.order).toBeNull();
    expect(refused.problems).toEqual([
      { field: 'input.items', message: expect.stringContaining(`100000001 minor units, above the ${MAX_ORDER_TOTAL}`) },
    ]);
  });

  it('keeps totals exact far beyond the 32-bit range, so the ceiling check is never fooled by overflow', () => {
    const entries = Array.from({ length: 20 }, () => product({ priceAmount: 2_147_483_647 }));
    const { problems } = priceOrder(
      entries.map((entry, position) => line(position, entry, 50)),
      catalogOf(...entries),
      0,
    );
    expect(problems).toEqual([{ field: 'input.items', message: expect.stringContaining(`${2_147_483_647 * 50 * 20} minor units`) }]);
  });

  it('prices nothing when a line has no valid quantity, but still checks its product', () => {
    const known = product();
    const unknown = product();
    const { order, problems } = priceOrder([line(0, known, null), line(1, unknown, null)], catalogOf(known), 0);
    expect(order).toBeNull();
    expect(fields(problems)).toEqual(['input.items.1.productId']);
  });
});
