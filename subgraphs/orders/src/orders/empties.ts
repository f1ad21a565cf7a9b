import type { Order } from './order-store.js';

export interface EmptiesShortfallLine {
  productId: string;
  cylinderType: string;
  expected: number;
  collected: number;
  unitAmount: number;
}

/**
 * Shares the empties collected per class among the order's troca lines, in the order they were
 * placed, and prices what is missing at each line's emptyShortfallUnitPrice (fixed, and shown to
 * the customer, when the order was placed). Extra empties of a class are not credited.
 */
export function settleEmpties(
  order: Pick<Order, 'items'>,
  collectedByClass: ReadonlyArray<{ cylinderType: string; quantity: number }>,
): { collectedByProduct: Map<string, number>; shortfall: EmptiesShortfallLine[]; shortfallAmount: number } {
  const left = new Map<string, number>();
  for (const { cylinderType, quantity } of collectedByClass) left.set(cylinderType, (left.get(cylinderType) ?? 0) + quantity);
  const collectedByProduct = new Map<string, number>();
  const shortfall: EmptiesShortfallLine[] = [];
  for (const item of [...order.items].sort((a, b) => a.position - b.position)) {
    if (item.saleType !== 'REFILL_EXCHANGE' || item.cylinderType === null) continue;
    const available = left.get(item.cylinderType) ?? 0;
    const collected = Math.min(available, item.quantity);
    left.set(item.cylinderType, available - collected);
    collectedByProduct.set(item.productId, collected);
    if (collected < item.quantity)
      shortfall.push({
        productId: item.productId,
        cylinderType: item.cylinderType,
        expected: item.quantity,
        collected,
        unitAmount: item.emptyShortfallUnitPrice ?? 0,
      });
  }
  const shortfallAmount = shortfall.reduce((sum, line) => sum + (line.expected - line.collected) * line.unitAmount, 0);
  return { collectedByProduct, shortfall, shortfallAmount };
}
