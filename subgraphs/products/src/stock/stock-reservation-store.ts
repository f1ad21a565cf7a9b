import type { Product, ProductsTransaction } from '../catalog/product-store.js';

export interface OrderLine {
  productId: string;
  quantity: number;
}

/** Data access of stock reservations; every call runs inside the consumer's transaction. */
export interface StockReservationStore {
  /** Locks the products in id order, so concurrent orders for the same products queue instead of deadlocking. */
  lockProducts(transaction: ProductsTransaction, productIds: readonly string[]): Promise<Map<string, Product>>;
  /** Moves a locked product's stock by `delta`; returns the row after the change. */
  adjustStock(transaction: ProductsTransaction, productId: string, delta: number): Promise<Product | null>;
  record(transaction: ProductsTransaction, orderId: string, lines: readonly OrderLine[]): Promise<void>;
  /** Marks the order's reservations released and returns what they held; empty when there were none left. */
  release(transaction: ProductsTransaction, orderId: string): Promise<OrderLine[]>;
}

export const stockReservationStore: StockReservationStore = {
  async lockProducts(transaction, productIds) {
    const ids = [...new Set(productIds)].sort();
    await transaction.$queryRaw`select id from products where id = any(${ids}::uuid[]) order by id for update`;
    const rows = await transaction.product.findMany({ where: { id: { in: ids } } });
    return new Map(rows.map((row) => [row.id, row]));
  },
  async adjustStock(transaction, productId, delta) {
    const { count } = await transaction.product.updateMany({ where: { id: productId }, data: { stockQuantity: { increment: delta } } });
    return count === 0 ? null : transaction.product.findUnique({ where: { id: productId } });
  },
  async record(transaction, orderId, lines) {
    await transaction.stockReservation.createMany({
      data: lines.map((line) => ({ orderId, productId: line.productId, quantity: line.quantity })),
    });
  },
  async release(transaction, orderId) {
    const held = await transaction.$queryRaw<Array<{ product_id: string; quantity: number }>>`
      update stock_reservations set status = 'RELEASED', released_at = now()
      where order_id = ${orderId}::uuid and status = 'RESERVED'
      returning product_id, quantity`;
    return held.map((row) => ({ productId: row.product_id, quantity: row.quantity })).sort((a, b) => (a.productId < b.productId ? -1 : 1));
  },
};
