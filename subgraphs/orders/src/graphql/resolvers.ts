import { connection, decodeCursor, pageSize, type EventOrigin } from '#kit';
import type { OrderStatus } from '../database.js';
import { canSee } from '../orders/order-access.js';
import type { PlaceOrderInput } from '../orders/order-input.js';
import type { OrderListArgs } from '../orders/order-service.js';
import type { Order, StatusChange } from '../orders/order-store.js';
import type { OrdersContext } from './context.js';

interface PageArgs {
  first?: number | null;
  after?: string | null;
  status?: OrderStatus | null;
}

type OrderItem = Order['items'][number];

/** Events caused by this request carry its correlation id. */
const origin = (context: OrdersContext): EventOrigin => ({ source: 'orders', correlationId: context.correlationId });

const listArgs = (args: PageArgs): OrderListArgs => ({
  first: pageSize(args.first),
  ...(args.after ? { after: decodeCursor(args.after) } : {}),
  ...(args.status ? { status: args.status } : {}),
});

const money = (amount: number, currency: string) => ({ amount, currency });
const user = (id: string) => ({ __typename: 'User', id });

export const resolvers = {
  Query: {
    order: async (_root: unknown, { id }: { id: string }, context: OrdersContext) =>
      context.service.visible(context.viewer, await context.orderById.load(id)),
    orders: async (_root: unknown, args: PageArgs, context: OrdersContext) => {
      const page = await context.service.list(context.viewer, listArgs(args));
      return connection(page.orders, page.hasNextPage, page.totalCount);
    },
  },
  Mutation: {
    placeOrder: (_root: unknown, { input }: { input: PlaceOrderInput }, context: OrdersContext) =>
      context.service.place(context.viewer, input, origin(context)),
    cancelOrder: (_root: unknown, { id, reason }: { id: string; reason?: string | null }, context: OrdersContext) =>
      context.service.cancel(context.viewer, id, reason, origin(context)),
    startDelivery: (_root: unknown, { id }: { id: string }, context: OrdersContext) =>
      context.service.startDelivery(context.viewer, id, origin(context)),
    completeDelivery: (_root: unknown, { id }: { id: string }, context: OrdersContext) =>
      context.service.completeDelivery(context.viewer, id, origin(context)),
  },
  Order: {
    // Other subgraphs (payments' Payment.order) get null for an order the viewer may not see.
    __resolveReference: async (reference: { id: string }, context: OrdersContext) => {
      const order = await context.orderById.load(reference.id);
      return order !== null && canSee(context.viewer, order) ? order : null;
    },
    customer: (order: Order) => user(order.customerId),
    supplier: (order: Order) => user(order.supplierId),
    subtotal: (order: Order) => money(order.subtotalAmount, order.currency),
    deliveryFee: (order: Order) => money(order.deliveryFeeAmount, order.currency),
    total: (order: Order) => money(order.totalAmount, order.currency),
    refunded: (order: Order) => money(order.refundedAmount, order.currency),
    items: (order: Order) => order.items.map((item) => ({ ...item, currency: order.currency })),
    deliveryAddress: (order: Order, _args: unknown, context: OrdersContext) =>
      canSee(context.viewer, order)
        ? {
            street: order.street,
            number: order.number,
            complement: order.complement,
            district: order.district,
            city: order.city,
            state: order.state,
            postalCode: order.postalCode,
            latitude: order.latitude,
            longitude: order.longitude,
          }
        : null,
    history: (order: Order, _args: unknown, context: OrdersContext) => context.historyByOrder.load(order.id),
    cancellationReason: (order: Order) =>
      order.status === 'CANCELLED' && order.cancellationReasonCode !== null
        ? {
            reasonCode: order.cancellationReasonCode,
            reason: order.cancellationReason ?? '',
            cancelledBy: order.cancelledBy === null ? null : user(order.cancelledBy),
            cancelledAt: (order.cancelledAt ?? order.updatedAt).toISOString(),
          }
        : null,
    lastPaymentFailure: (order: Order) =>
      order.lastPaymentFailureCode === null
        ? null
        : {
            reasonCode: order.lastPaymentFailureCode,
            reason: order.lastPaymentFailureReason ?? '',
            failedAt: (order.lastPaymentFailedAt ?? order.updatedAt).toISOString(),
          },
    paymentDueAt: (order: Order) => order.paymentDueAt?.toISOString() ?? null,
    createdAt: (order: Order) => order.createdAt.toISOString(),
    updatedAt: (order: Order) => order.updatedAt.toISOString(),
  },
  OrderItem: {
    product: (item: OrderItem) => ({ __typename: 'Product', id: item.productId }),
    unitPrice: (item: OrderItem & { currency: string }) => money(item.unitPriceAmount, item.currency),
    lineTotal: (item: OrderItem & { currency: string }) => money(item.lineTotalAmount, item.currency),
  },
  OrderStatusChange: {
    from: (change: StatusChange) => change.fromStatus,
    to: (change: StatusChange) => change.toStatus,
    at: (change: StatusChange) => change.at.toISOString(),
  },
  User: {
    orders: async ({ id }: { id: string }, args: PageArgs, context: OrdersContext) => {
      const page = await context.service.listOf(context.viewer, id, listArgs(args));
      return connection(page.orders, page.hasNextPage, page.totalCount);
    },
  },
};
