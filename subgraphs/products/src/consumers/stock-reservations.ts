import {
  eventConsumer,
  pendingEvent,
  recordEvents,
  type ConsumerDefinition,
  type EventData,
  type EventOrigin,
  type PendingEvent,
  type TransactionRunner,
} from '#kit';
import type { ProductsTransaction } from '../catalog/product-store.js';
import { productChangeEvents } from '../catalog/product-events.js';
import type { OrderLine, StockReservationStore } from '../stock/stock-reservation-store.js';
import { OrderEvents } from '../../../orders/src/events/index.js';
import { ProductEvents } from '../events/index.js';

/** Why an order cannot have its stock, in words the customer can be shown. */
function refusal(
  order: EventData<typeof OrderEvents.created>,
  products: Map<string, { supplierId: string; active: boolean; stockQuantity: number; name: string }>,
) {
  for (const line of order.items) {
    const product = products.get(line.productId);
    if (product === undefined) return { productId: line.productId, reason: 'A product of this order no longer exists.' };
    if (product.supplierId !== order.supplierId)
      return { productId: line.productId, reason: `${product.name} is not sold by this order's supplier.` };
    if (!product.active) return { productId: line.productId, reason: `${product.name} is no longer offered.` };
    if (product.stockQuantity < line.quantity) {
      return {
        productId: line.productId,
        reason: `Only ${product.stockQuantity} of ${product.name} left in stock; the order asked for ${line.quantity}.`,
      };
    }
  }
  return undefined;
}

/**
 * The catalog's part of the order saga. On order.created every line's stock
 * is taken at once or none is (the products are locked in id order, so two
 * orders racing for the last cylinder queue and exactly one gets it), and the
 * outcome is published: stock.reserved or stock.reservation_failed. On
 * order.cancelled whatever the order still holds goes back (stock.released). On order.rejected the
 * products the store named as out of stock go off sale (stock 0): what the order held of them does
 * not go back, the rest does; order.cancelled, which follows, then finds nothing left to release.
 */
export function stockReservationConsumer(
  reservations: StockReservationStore,
  transactions: TransactionRunner<ProductsTransaction>,
): ConsumerDefinition {
  const stockChanges = async (transaction: ProductsTransaction, lines: readonly OrderLine[], sign: 1 | -1, origin: EventOrigin) => {
    const events: PendingEvent[] = [];
    const changeEvents = productChangeEvents(origin);
    for (const line of lines) {
      const before = await transaction.product.findUnique({ where: { id: line.productId } });
      const after = await reservations.adjustStock(transaction, line.productId, sign * line.quantity);
      if (before !== null && after !== null) events.push(...changeEvents(before, after));
    }
    return events;
  };
  return eventConsumer({
    name: 'products.stock-reservations',
    transactions,
    handlers: (on) => [
      on(OrderEvents.created, async (data, { transaction, envelope, logger }) => {
        const order = data;
        const tx = transaction;
        const origin: EventOrigin = { source: 'products', correlationId: envelope.correlationId };
        const lines = order.items.map(({ productId, quantity }) => ({ productId, quantity }));
        const products = await reservations.lockProducts(
          tx,
          lines.map((line) => line.productId),
        );
        const refused = refusal(order, products);
        if (refused !== undefined) {
          await recordEvents(tx, [
            pendingEvent(ProductEvents.stockReservationFailed, origin, order.orderId, { orderId: order.orderId, ...refused }),
          ]);
          logger.info({ orderId: order.orderId, productId: refused.productId }, 'stock reservation refused');
          return;
        }
        const changes = await stockChanges(tx, lines, -1, origin);
        await reservations.record(tx, order.orderId, lines);
        await recordEvents(tx, [
          ...changes,
          pendingEvent(ProductEvents.stockReserved, origin, order.orderId, { orderId: order.orderId, items: lines }),
        ]);
      }),
      on(OrderEvents.cancelled, async (data, { transaction, envelope }) => {
        const { orderId } = data;
        const tx = transaction;
        const origin: EventOrigin = { source: 'products', correlationId: envelope.correlationId };
        const released = await reservations.release(tx, orderId);
        if (released.length === 0) return;
        await reservations.lockProducts(
          tx,
          released.map((line) => line.productId),
        );
        const changes = await stockChanges(tx, released, 1, origin);
        await recordEvents(tx, [...changes, pendingEvent(ProductEvents.stockReleased, origin, orderId, { orderId, items: released })]);
      }),
      on(OrderEvents.rejected, async (data, { transaction, envelope, logger }) => {
        const { orderId, supplierId, outOfStockProductIds } = data;
        if (outOfStockProductIds.length === 0) return;
        const tx = transaction;
        const origin: EventOrigin = { source: 'products', correlationId: envelope.correlationId };
        const soldOut = new Set(outOfStockProductIds);
        const released = await reservations.release(tx, orderId);
        const products = await reservations.lockProducts(tx, [...released.map((line) => line.productId), ...soldOut]);
        const returned = released.filter((line) => !soldOut.has(line.productId));
        const events = await stockChanges(tx, returned, 1, origin);
        for (const productId of soldOut) {
          const product = products.get(productId);
          // Only the rejecting supplier's own products: an id of somebody else's product changes nothing.
          if (product === undefined || product.supplierId !== supplierId || product.stockQuantity === 0) continue;
          events.push(...(await stockChanges(tx, [{ productId, quantity: product.stockQuantity }], -1, origin)));
        }
        if (returned.length > 0) events.push(pendingEvent(ProductEvents.stockReleased, origin, orderId, { orderId, items: returned }));
        await recordEvents(tx, events);
        logger.info({ orderId, outOfStock: [...soldOut] }, 'products the store named out of stock taken off sale');
      }),
    ],
  });
}
