import type { FieldProblem } from '#kit';
import type { OrderLine } from './order-input.js';

/** The most one order may cost, in minor units (R$ 1.000.000,00): above it, something is wrong. */
export const MAX_ORDER_TOTAL = 100_000_000;

/** What the catalog snapshot says about a product, as pricing needs it. */
export interface CatalogEntry {
  productId: string;
  supplierId: string;
  name: string;
  priceAmount: number;
  currency: string;
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
}

export interface PricedOrder {
  supplierId: string;
  currency: string;
  items: PricedItem[];
  subtotalAmount: number;
  deliveryFeeAmount: number;
  totalAmount: number;
}

/**
 * Prices lines from the catalog snapshot, in integer minor units. Every problem is reported:
 * a product not on sale (unknown, removed or inactive: the same answer, so inactive products
 * stay as hidden as in the catalog), more than one supplier or currency, and a total above
 * MAX_ORDER_TOTAL. `order` is null whenever there is a problem, or a line had none to price.
 */
export function priceOrder(
  lines: readonly OrderLine[],
  catalog: ReadonlyMap<string, CatalogEntry>,
  deliveryFeeAmount: number,
): { order: PricedOrder | null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const found: Array<{ line: OrderLine; product: CatalogEntry }> = [];
  for (const line of lines) {
    const product = catalog.get(line.productId);
    if (product === undefined || !product.available) {
      problems.push({
        field: `input.items.${line.position}.productId`,
        message: 'is not for sale: no product with this id is in the catalog and active',
      });
    } else found.push({ line, product });
  }
  const suppliers = new Set(found.map(({ product }) => product.supplierId));
  if (suppliers.size > 1) {
    problems.push({
      field: 'input.items',
      message: `come from ${suppliers.size} suppliers; one supplier delivers an order, so place one order per supplier`,
    });
  }
  const currencies = [...new Set(found.map(({ product }) => product.currency))];
  if (currencies.length > 1)
    problems.push({
      field: 'input.items',
      message: `are priced in different currencies (${currencies.join(', ')}); an order is paid in one`,
    });

  const items: PricedItem[] = [];
  for (const { line, product } of found) {
    if (line.quantity === null) continue;
    items.push({
      position: line.position,
      productId: product.productId,
      productName: product.name,
      quantity: line.quantity,
      unitPriceAmount: product.priceAmount,
      lineTotalAmount: product.priceAmount * line.quantity,
    });
  }
  // Small enough to be exact in a double: at most 20 lines of 50 units under 2^31 each.
  const subtotalAmount = items.reduce((sum, item) => sum + item.lineTotalAmount, 0);
  const totalAmount = subtotalAmount + deliveryFeeAmount;
  if (totalAmount > MAX_ORDER_TOTAL) {
    problems.push({
      field: 'input.items',
      message: `bring the total to ${totalAmount} minor units, above the ${MAX_ORDER_TOTAL} an order may cost`,
    });
  }

  const [supplierId] = suppliers;
  const [currency] = currencies;
  const complete = items.length === lines.length && lines.length > 0;
  if (problems.length > 0 || !complete || supplierId === undefined || currency === undefined) return { order: null, problems };
  return { order: { supplierId, currency, items, subtotalAmount, deliveryFeeAmount, totalAmount }, problems };
}
