import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { settleEmpties } from '../src/orders/empties.js';

const item = (position: number, saleType: string, cylinderType: string, quantity: number, emptyShortfallUnitPrice: number | null) => ({
  orderId: randomUUID(),
  productId: randomUUID(),
  position,
  productName: 'x',
  quantity,
  unitPriceAmount: 1,
  lineTotalAmount: quantity,
  saleType,
  cylinderType,
  emptyShortfallUnitPrice,
  emptiesCollected: null,
});

describe('settling the empties of troca lines', () => {
  it('shares the empties of a class among its troca lines in order and charges what is missing', () => {
    const first = item(0, 'REFILL_EXCHANGE', 'P13', 2, 19_000);
    const completo = item(1, 'FULL_WITH_CYLINDER', 'P13', 1, null);
    const second = item(2, 'REFILL_EXCHANGE', 'P13', 2, 18_000);
    const p45 = item(3, 'REFILL_EXCHANGE', 'P45', 1, 60_000);
    const settled = settleEmpties({ items: [second, p45, first, completo] }, [
      { cylinderType: 'P13', quantity: 3 },
      { cylinderType: 'P45', quantity: 1 },
    ]);
    expect(Object.fromEntries(settled.collectedByProduct)).toEqual({ [first.productId]: 2, [second.productId]: 1, [p45.productId]: 1 });
    expect(settled.shortfall).toEqual([
      { productId: second.productId, cylinderType: 'P13', expected: 2, collected: 1, unitAmount: 18_000 },
    ]);
    expect(settled.shortfallAmount).toBe(18_000);
  });

  it('charges nothing when every empty came back, and credits no extra ones', () => {
    const troca = item(0, 'REFILL_EXCHANGE', 'P13', 1, 19_000);
    expect(settleEmpties({ items: [troca] }, [{ cylinderType: 'P13', quantity: 4 }])).toMatchObject({ shortfall: [], shortfallAmount: 0 });
    expect(settleEmpties({ items: [troca] }, []).shortfallAmount).toBe(19_000);
  });
});
