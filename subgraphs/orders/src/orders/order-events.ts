import { pendingEvent, type EventOrigin, type PendingEvent } from '#kit';
import type { OrderStatus } from '../database.js';
import type { MoveEvents, Order } from './order-store.js';
import { cylinderTypeSchema, OrderEvents, pickupSchema } from '../events/index.js';

const location = (order: Order) => ({ latitude: order.latitude, longitude: order.longitude });

/**
 * The order's cylinders by class: every line is a container to carry (a vasilhame too), and each
 * troca line is as many empties to collect. Lines placed before stores carry no class and are left out.
 */
export function cylindersOf(order: Order) {
  const byClass = new Map<string, { quantity: number; emptiesToCollect: number }>();
  for (const item of order.items) {
    if (item.cylinderType === null) continue;
    const load = byClass.get(item.cylinderType) ?? { quantity: 0, emptiesToCollect: 0 };
    load.quantity += item.quantity;
    if (item.saleType === 'REFILL_EXCHANGE') load.emptiesToCollect += item.quantity;
    byClass.set(item.cylinderType, load);
  }
  return [...byClass].map(([cylinderType, load]) => ({ cylinderType: cylinderTypeSchema.parse(cylinderType), ...load }));
}

const pickupOf = (order: Order) => (order.pickup === null ? undefined : pickupSchema.parse(order.pickup));
const lines = (order: Order) => order.items.map((item) => ({ productId: item.productId, quantity: item.quantity }));

/** order.created: everything products needs to reserve stock and payments to open a payment. */
export const orderCreatedEvents =
  (origin: EventOrigin) =>
  (order: Order): PendingEvent[] => [
    pendingEvent(OrderEvents.created, origin, order.id, {
      orderId: order.id,
      customerId: order.customerId,
      supplierId: order.supplierId,
      items: order.items.map((item) => ({
        productId: item.productId,
        quantity: item.quantity,
        unitPriceAmount: item.unitPriceAmount,
        lineTotalAmount: item.lineTotalAmount,
      })),
      subtotalAmount: order.subtotalAmount,
      deliveryFeeAmount: order.deliveryFeeAmount,
      totalAmount: order.totalAmount,
      currency: order.currency,
      paymentMethod: order.paymentMethod,
      deliveryLocation: location(order),
      ...(order.storeId === null ? {} : { storeId: order.storeId }),
      createdAt: order.createdAt.toISOString(),
    }),
  ];

/**
 * The one event each status announces itself with; its time is the move's. `courierId` is the
 * courier whose pickup or delivery caused the move (null when the supplier or an admin made it).
 */
export const statusEvents =
  (origin: EventOrigin, courierId: string | null = null): MoveEvents =>
  (order: Order, previousStatus: OrderStatus): PendingEvent[] => {
    const at = order.updatedAt.toISOString();
    const parties = { orderId: order.id, customerId: order.customerId, supplierId: order.supplierId };
    switch (order.status) {
      case 'AWAITING_ACCEPTANCE': {
        if (order.storeId === null || order.acceptBy === null)
          throw new Error(`order ${order.id} awaits acceptance without a store or deadline`);
        return [
          pendingEvent(OrderEvents.awaitingAcceptance, origin, order.id, {
            ...parties,
            storeId: order.storeId,
            totalAmount: order.totalAmount,
            currency: order.currency,
            paymentMethod: order.paymentMethod,
            cylinders: cylindersOf(order),
            acceptBy: order.acceptBy.toISOString(),
            at,
          }),
        ];
      }
      case 'CONFIRMED': {
        const promisedBy = order.promisedBy?.toISOString();
        const confirmed = pendingEvent(OrderEvents.confirmed, origin, order.id, {
          ...parties,
          totalAmount: order.totalAmount,
          currency: order.currency,
          paymentMethod: order.paymentMethod,
          cylinderCount: order.items.reduce((sum, item) => sum + item.quantity, 0),
          deliveryLocation: location(order),
          ...(order.storeId === null
            ? {}
            : { pickup: pickupOf(order), cylinders: cylindersOf(order), ...(promisedBy === undefined ? {} : { promisedBy }) }),
          confirmedAt: at,
        });
        // Orders placed before stores are confirmed by the saga alone: nobody accepted them.
        if (order.storeId === null || promisedBy === undefined) return [confirmed];
        return [
          pendingEvent(OrderEvents.accepted, origin, order.id, {
            ...parties,
            storeId: order.storeId,
            acceptedBy: order.acceptedBy,
            promisedBy,
            at,
          }),
          confirmed,
        ];
      }
      case 'IN_TRANSIT':
        return [pendingEvent(OrderEvents.inTransit, origin, order.id, { ...parties, courierId, at })];
      case 'DELIVERED':
        return [
          pendingEvent(OrderEvents.delivered, origin, order.id, {
            ...parties,
            courierId,
            paymentMethod: order.paymentMethod,
            totalAmount: order.totalAmount,
            currency: order.currency,
            deliveredAt: at,
          }),
        ];
      case 'CANCELLED': {
        // The database's CHECK makes these present on every cancelled order.
        if (order.cancellationReasonCode === null || order.cancelledAt === null)
          throw new Error(`order ${order.id} is cancelled without a reason`);
        return [
          pendingEvent(OrderEvents.cancelled, origin, order.id, {
            ...parties,
            previousStatus,
            reasonCode: order.cancellationReasonCode,
            reason: order.cancellationReason ?? '',
            cancelledBy: order.cancelledBy,
            items: lines(order),
            cancelledAt: order.cancelledAt.toISOString(),
          }),
        ];
      }
      case 'PENDING_PAYMENT':
        return [];
    }
  };
