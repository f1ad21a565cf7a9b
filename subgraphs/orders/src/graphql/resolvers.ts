import { connection, decodeCursor, forbidden, pageSize, type EventOrigin } from '#kit';
import type { OrderStatus } from '../database.js';
import { canSee, seesAsCourierOnly } from '../orders/order-access.js';
import type { PlaceOrderInput } from '../orders/order-input.js';
import type { OrderListArgs } from '../orders/order-service.js';
import type { Order, StatusChange } from '../orders/order-store.js';
import type { SaveAddressInput } from '../addresses/address-service.js';
import type { SavedAddress } from '../addresses/address-store.js';
import { pickupSchema } from '../events/index.js';
import type { OrdersContext } from './context.js';

interface PageArgs {
  first?: number | null;
  after?: string | null;
  status?: OrderStatus | null;
  storeId?: string | null;
}

type OrderItem = Order['items'][number];

/** Events caused by this request carry its correlation id. */
const origin = (context: OrdersContext): EventOrigin => ({ source: 'orders', correlationId: context.correlationId });

const listArgs = (args: PageArgs): OrderListArgs => ({
  first: pageSize(args.first),
  ...(args.after ? { after: decodeCursor(args.after) } : {}),
  ...(args.status ? { status: args.status } : {}),
  ...(args.storeId ? { storeId: args.storeId.trim().toLowerCase() } : {}),
});

const money = (amount: number, currency: string) => ({ amount, currency });
/** Two decimals of a degree, about a kilometre: where to head for, not whose door. */
const approximate = (degrees: number) => Math.round(degrees * 100) / 100;

/**
 * A field the viewer, seeing the order only as a courier, may not read: null with a FORBIDDEN
 * error on that field, so the rest of the order still resolves.
 */
const refusedToCourier = (what: string) => forbidden(`Couriers do not see ${what}.`);
const refusedUntilAssigned = (what: string) => forbidden(`A courier sees ${what} only while carrying the order.`);
const user = (id: string) => ({ __typename: 'User', id });

export const resolvers = {
  Query: {
    order: async (_root: unknown, { id }: { id: string }, context: OrdersContext) =>
      context.service.visible(context.viewer, await context.orderById.load(id)),
    orders: async (_root: unknown, args: PageArgs, context: OrdersContext) => {
      const page = await context.service.list(context.viewer, listArgs(args));
      return connection(page.orders, page.hasNextPage, page.totalCount);
    },
    myAddresses: (_root: unknown, _args: unknown, context: OrdersContext) => context.addresses.mine(context.viewer),
  },
  Mutation: {
    acceptOrder: (_root: unknown, { id }: { id: string }, context: OrdersContext) =>
      context.service.accept(context.viewer, id, origin(context)),
    rejectOrder: (_root: unknown, args: { id: string; reason: string; outOfStockProductIds?: string[] | null }, context: OrdersContext) =>
      context.service.reject(
        context.viewer,
        args.id,
        { reason: args.reason, outOfStockProductIds: args.outOfStockProductIds ?? null },
        origin(context),
      ),
    saveAddress: (_root: unknown, { input }: { input: SaveAddressInput }, context: OrdersContext) =>
      context.addresses.save(context.viewer, input, origin(context)),
    deleteAddress: (_root: unknown, { id }: { id: string }, context: OrdersContext) =>
      context.addresses.delete(context.viewer, id, origin(context)),
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
    customer: (order: Order, _args: unknown, context: OrdersContext) => {
      if (seesAsCourierOnly(context.viewer, order) !== null)
        throw refusedToCourier('the customer’s account; Order.customerFirstName is theirs while carrying the order');
      return user(order.customerId);
    },
    supplier: (order: Order) => user(order.supplierId),
    store: (order: Order) => (order.storeId === null ? null : { __typename: 'Store', id: order.storeId }),
    pickup: (order: Order) => (order.pickup === null ? null : pickupSchema.parse(order.pickup)),
    promisedBy: (order: Order) => order.promisedBy?.toISOString() ?? null,
    acceptBy: (order: Order) => order.acceptBy?.toISOString() ?? null,
    acceptedAt: (order: Order) => order.acceptedAt?.toISOString() ?? null,
    emptiesShortfall: (order: Order) =>
      order.emptiesShortfallAmount === null ? null : money(order.emptiesShortfallAmount, order.currency),
    subtotal: (order: Order) => money(order.subtotalAmount, order.currency),
    deliveryFee: (order: Order) => money(order.deliveryFeeAmount, order.currency),
    total: (order: Order) => money(order.totalAmount, order.currency),
    refunded: (order: Order) => money(order.refundedAmount, order.currency),
    items: (order: Order) => order.items.map((item) => ({ ...item, currency: order.currency })),
    deliveryAddress: (order: Order, _args: unknown, context: OrdersContext) => {
      const asCourier = seesAsCourierOnly(context.viewer, order);
      if (asCourier !== null && asCourier !== 'ASSIGNED')
        throw refusedUntilAssigned('the delivery address (Order.dropOffArea is the area)');
      return canSee(context.viewer, order)
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
            notes: order.deliveryNotes,
          }
        : null;
    },
    dropOffArea: (order: Order) => ({
      district: order.district,
      city: order.city,
      state: order.state,
      latitude: approximate(order.latitude),
      longitude: approximate(order.longitude),
    }),
    customerFirstName: (order: Order, _args: unknown, context: OrdersContext) => {
      const asCourier = seesAsCourierOnly(context.viewer, order);
      if (asCourier !== null && asCourier !== 'ASSIGNED') throw refusedUntilAssigned('the customer’s first name');
      return context.firstNameByCustomer.load(order.customerId);
    },
    history: async (order: Order, _args: unknown, context: OrdersContext) => {
      const history = await context.historyByOrder.load(order.id);
      // A courier learns who moved the order only when it was themself.
      if (seesAsCourierOnly(context.viewer, order) === null) return history;
      return history.map((change) => (change.actorId === context.viewer?.userId ? change : { ...change, actorId: null }));
    },
    cancellationReason: (order: Order, _args: unknown, context: OrdersContext) => {
      if (order.status !== 'CANCELLED' || order.cancellationReasonCode === null) return null;
      if (seesAsCourierOnly(context.viewer, order) !== null) throw refusedToCourier('why an order was cancelled (its status says it was)');
      return {
        reasonCode: order.cancellationReasonCode,
        reason: order.cancellationReason ?? '',
        cancelledBy: order.cancelledBy === null ? null : user(order.cancelledBy),
        cancelledAt: (order.cancelledAt ?? order.updatedAt).toISOString(),
      };
    },
    lastPaymentFailure: (order: Order, _args: unknown, context: OrdersContext) => {
      if (order.lastPaymentFailureCode === null) return null;
      if (seesAsCourierOnly(context.viewer, order) !== null) throw refusedToCourier('the customer’s payment attempts');
      return {
        reasonCode: order.lastPaymentFailureCode,
        reason: order.lastPaymentFailureReason ?? '',
        failedAt: (order.lastPaymentFailedAt ?? order.updatedAt).toISOString(),
      };
    },
    paymentDueAt: (order: Order) => order.paymentDueAt?.toISOString() ?? null,
    createdAt: (order: Order) => order.createdAt.toISOString(),
    updatedAt: (order: Order) => order.updatedAt.toISOString(),
  },
  OrderItem: {
    product: (item: OrderItem) => ({ __typename: 'Product', id: item.productId }),
    unitPrice: (item: OrderItem & { currency: string }) => money(item.unitPriceAmount, item.currency),
    lineTotal: (item: OrderItem & { currency: string }) => money(item.lineTotalAmount, item.currency),
    emptyShortfallUnitPrice: (item: OrderItem & { currency: string }) =>
      item.emptyShortfallUnitPrice === null ? null : money(item.emptyShortfallUnitPrice, item.currency),
  },
  SavedAddress: {
    createdAt: (address: SavedAddress) => address.createdAt.toISOString(),
    updatedAt: (address: SavedAddress) => address.updatedAt.toISOString(),
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
