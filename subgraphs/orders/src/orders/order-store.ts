import { isUuid, newestFirstPage, pageOf, recordEvents, type KeysetCursor, type PendingEvent } from '#kit';
import type {
  CancellationReasonCode,
  OrderActorRole,
  OrderCourierRow,
  OrderItemRow,
  OrderRow,
  OrdersDatabase,
  OrderStatus,
  OrdersTransaction,
  PaymentFailureCode,
  PaymentMethod,
  Prisma,
  StatusChangeRow,
} from '../database.js';
import type { z } from 'zod';
import type { pickupSchema } from '../events/index.js';
import type { DeliveryAddress } from './order-input.js';
import type { PricedOrder } from './order-pricing.js';

/** A delivery address as orders stores it, on an order and on a saved address alike (the same columns). */
export function deliveryAddressColumns(address: DeliveryAddress) {
  return {
    street: address.street,
    number: address.number,
    complement: address.complement,
    district: address.district,
    city: address.city,
    state: address.state,
    postalCode: address.postalCode,
    latitude: address.latitude,
    longitude: address.longitude,
    deliveryNotes: address.notes,
  };
}

/**
 * An order with its lines, in the order they were placed, and the couriers it was offered or
 * assigned to (what a courier may see of it follows from them).
 */
export type Order = OrderRow & { items: OrderItemRow[]; couriers: OrderCourierRow[] };
export type StatusChange = StatusChangeRow;

export interface NewOrder extends PricedOrder {
  id: string;
  customerId: string;
  paymentMethod: PaymentMethod;
  address: DeliveryAddress;
  createdAt: Date;
  paymentDueAt: Date | null;
  pickup: Pickup;
  distanceMeters: number;
  promisedBy: Date;
}

/** Where the courier picks an order up: OrderEvents' pickup. */
export type Pickup = z.infer<typeof pickupSchema>;

/** The empties the courier collected on each troca line, and what the missing ones cost in all. */
export interface EmptiesRecord {
  collectedByProduct: ReadonlyMap<string, number>;
  shortfallAmount: number;
}

/** One move of the status machine, as the store records it. */
export interface StatusMove {
  to: OrderStatus;
  /** Null when the saga moves the order. */
  actorId: string | null;
  actorRole: OrderActorRole;
  reason: string | null;
  cancellation?: { code: CancellationReasonCode; reason: string; cancelledBy: string | null };
  /** Into AWAITING_ACCEPTANCE: the store must answer within this many minutes of the move. */
  acceptWithinMinutes?: number;
  /** Into CONFIRMED by the store: who accepted (null: automatically). */
  acceptedBy?: string | null;
}

/** The events a move causes, from the order after it; written in the move's transaction. */
export type MoveEvents = (after: Order, previousStatus: OrderStatus) => PendingEvent[];

export interface OrderQuery {
  /** Only orders this user placed or supplies; absent for admins, who see all. */
  participantId?: string;
  status?: OrderStatus;
  /** Only the orders of this store (a store owner's screen). */
  storeId?: string;
  first: number;
  after?: KeysetCursor;
}

export interface OrderPage {
  orders: Order[];
  hasNextPage: boolean;
  totalCount: number;
}

export interface PaymentFailure {
  code: PaymentFailureCode;
  reason: string;
  failedAt: Date;
}

export interface OrderStore {
  create(order: NewOrder, events: (created: Order) => PendingEvent[]): Promise<Order>;
  findById(id: string): Promise<Order | null>;
  findByIds(ids: readonly string[]): Promise<Order[]>;
  list(query: OrderQuery): Promise<OrderPage>;
  /** The status history of each order, oldest first. */
  historyOf(orderIds: readonly string[]): Promise<StatusChange[]>;
  /**
   * Applies a move if the order is still in the status it was read in (`order.status`), with
   * its history row and events, in `transaction`. Null when another move got there first.
   */
  move(transaction: OrdersTransaction, order: Order, move: StatusMove, events: MoveEvents): Promise<Order | null>;
  /** The same in a transaction of its own. */
  moveNow(order: Order, move: StatusMove, events: MoveEvents): Promise<Order | null>;
  /** Reads an order and locks it until `transaction` ends, so saga facts and the moves they cause apply one at a time. */
  lock(transaction: OrdersTransaction, id: string): Promise<Order | null>;
  markStockReserved(transaction: OrdersTransaction, id: string): Promise<Order>;
  markPaid(transaction: OrdersTransaction, id: string): Promise<Order>;
  recordPaymentFailure(transaction: OrdersTransaction, id: string, failure: PaymentFailure): Promise<void>;
  /** Keeps the highest refunded total seen: refund events carry the running total, so an older one changes nothing. */
  recordRefundedTotal(transaction: OrdersTransaction, id: string, refundedTotal: number): Promise<void>;
  /**
   * Locks up to `limit` unpaid orders past their payment deadline, skipping those another
   * instance (or a saga event) holds, so each is expired once.
   */
  lockOverdue(transaction: OrdersTransaction, limit: number): Promise<Order[]>;
  /** Locks up to `limit` orders the store left unanswered past `acceptBy`, skipping those held elsewhere. */
  lockUnanswered(transaction: OrdersTransaction, limit: number): Promise<Order[]>;
  /** delivery.completed: the empties collected per troca line and the shortfall charged. */
  recordEmpties(transaction: OrdersTransaction, id: string, empties: EmptiesRecord): Promise<Order>;
  /** user.deleted: the personal parts of the customer's delivery addresses go; the orders stay. */
  eraseAddressesOf(customerId: string, transaction: OrdersTransaction): Promise<number>;
}

const NO_STORE = '00000000-0000-0000-0000-000000000000';

const withItems = { items: { orderBy: { position: 'asc' } }, couriers: true } as const satisfies Prisma.OrderInclude;

export function orderStore(database: OrdersDatabase): OrderStore {
  const move: OrderStore['move'] = async (transaction, order, change, events) => {
    const at = new Date();
    const { count } = await transaction.order.updateMany({
      where: { id: order.id, status: order.status },
      data: {
        status: change.to,
        updatedAt: at,
        ...(change.cancellation === undefined
          ? {}
          : {
              cancellationReasonCode: change.cancellation.code,
              cancellationReason: change.cancellation.reason,
              cancelledBy: change.cancellation.cancelledBy,
              cancelledAt: at,
            }),
        ...(change.acceptWithinMinutes === undefined ? {} : { acceptBy: new Date(at.getTime() + change.acceptWithinMinutes * 60_000) }),
        ...(change.acceptedBy === undefined ? {} : { acceptedBy: change.acceptedBy, acceptedAt: at }),
      },
    });
    if (count === 0) return null;
    await transaction.orderStatusChange.create({
      data: {
        orderId: order.id,
        fromStatus: order.status,
        toStatus: change.to,
        at,
        actorId: change.actorId,
        actorRole: change.actorRole,
        reason: change.reason,
      },
    });
    const after = await transaction.order.findUniqueOrThrow({ where: { id: order.id }, include: withItems });
    await recordEvents(transaction, events(after, order.status));
    return after;
  };

  return {
    create: (order, events) =>
      database.$transaction(async (transaction) => {
        const { address } = order;
        await transaction.order.create({
          data: {
            id: order.id,
            customerId: order.customerId,
            supplierId: order.supplierId,
            paymentMethod: order.paymentMethod,
            currency: order.currency,
            subtotalAmount: order.subtotalAmount,
            deliveryFeeAmount: order.deliveryFeeAmount,
            totalAmount: order.totalAmount,
            ...deliveryAddressColumns(address),
            paymentDueAt: order.paymentDueAt,
            storeId: order.storeId,
            pickup: order.pickup,
            distanceMeters: order.distanceMeters,
            promisedBy: order.promisedBy,
            createdAt: order.createdAt,
            updatedAt: order.createdAt,
            items: {
              create: order.items.map((item) => ({
                productId: item.productId,
                position: item.position,
                productName: item.productName,
                quantity: item.quantity,
                unitPriceAmount: item.unitPriceAmount,
                lineTotalAmount: item.lineTotalAmount,
                saleType: item.saleType,
                cylinderType: item.cylinderType,
                emptyShortfallUnitPrice: item.emptyShortfallUnitPrice,
              })),
            },
            history: {
              create: {
                fromStatus: null,
                toStatus: 'PENDING_PAYMENT',
                at: order.createdAt,
                actorId: order.customerId,
                actorRole: 'CUSTOMER',
                reason: null,
              },
            },
          },
        });
        const created = await transaction.order.findUniqueOrThrow({ where: { id: order.id }, include: withItems });
        await recordEvents(transaction, events(created));
        return created;
      }),
    findById: async (id) => (isUuid(id) ? database.order.findUnique({ where: { id }, include: withItems }) : null),
    findByIds: (ids) => database.order.findMany({ where: { id: { in: ids.filter(isUuid) } }, include: withItems }),
    async list(query) {
      const filter: Prisma.OrderWhereInput = {
        ...(query.participantId === undefined ? {} : { OR: [{ customerId: query.participantId }, { supplierId: query.participantId }] }),
        ...(query.status === undefined ? {} : { status: query.status }),
        // A malformed id matches no store rather than failing the query.
        ...(query.storeId === undefined ? {} : { storeId: isUuid(query.storeId) ? query.storeId : NO_STORE }),
      };
      const [rows, totalCount] = await Promise.all([
        database.order.findMany({ ...newestFirstPage(filter, query.after, query.first), include: withItems }),
        database.order.count({ where: filter }),
      ]);
      const { nodes, hasNextPage } = pageOf(rows, query.first);
      return { orders: nodes, hasNextPage, totalCount };
    },
    historyOf: (orderIds) =>
      database.orderStatusChange.findMany({ where: { orderId: { in: orderIds.filter(isUuid) } }, orderBy: { seq: 'asc' } }),
    move,
    moveNow: (order, change, events) => database.$transaction((transaction) => move(transaction, order, change, events)),
    async lock(transaction, id) {
      if (!isUuid(id)) return null;
      const locked = await transaction.$queryRaw<Array<{ id: string }>>`select id from orders where id = ${id}::uuid for update`;
      if (locked.length === 0) return null;
      return transaction.order.findUniqueOrThrow({ where: { id }, include: withItems });
    },
    markStockReserved: (transaction, id) => transaction.order.update({ where: { id }, data: { stockReserved: true }, include: withItems }),
    markPaid: (transaction, id) => transaction.order.update({ where: { id }, data: { paid: true }, include: withItems }),
    async recordPaymentFailure(transaction, id, failure) {
      await transaction.order.update({
        where: { id },
        data: { lastPaymentFailureCode: failure.code, lastPaymentFailureReason: failure.reason, lastPaymentFailedAt: failure.failedAt },
      });
    },
    async recordRefundedTotal(transaction, id, refundedTotal) {
      await transaction.order.updateMany({ where: { id, refundedAmount: { lt: refundedTotal } }, data: { refundedAmount: refundedTotal } });
    },
    async lockOverdue(transaction, limit) {
      const rows = await transaction.$queryRaw<Array<{ id: string }>>`
        select id from orders
        where status = 'PENDING_PAYMENT' and not paid and payment_due_at <= now()
        order by payment_due_at
        limit ${limit}
        for update skip locked`;
      if (rows.length === 0) return [];
      return transaction.order.findMany({ where: { id: { in: rows.map((row) => row.id) } }, include: withItems });
    },
    async lockUnanswered(transaction, limit) {
      const rows = await transaction.$queryRaw<Array<{ id: string }>>`
        select id from orders
        where status = 'AWAITING_ACCEPTANCE' and accept_by <= now()
        order by accept_by
        limit ${limit}
        for update skip locked`;
      if (rows.length === 0) return [];
      return transaction.order.findMany({ where: { id: { in: rows.map((row) => row.id) } }, include: withItems });
    },
    async recordEmpties(transaction, id, empties) {
      for (const [productId, collected] of empties.collectedByProduct)
        await transaction.orderItem.update({
          where: { orderId_productId: { orderId: id, productId } },
          data: { emptiesCollected: collected },
        });
      return transaction.order.update({ where: { id }, data: { emptiesShortfallAmount: empties.shortfallAmount }, include: withItems });
    },
    eraseAddressesOf: (customerId, transaction) =>
      // Two decimals of a degree is about a kilometre: enough for delivery statistics, not a home.
      transaction.$executeRaw`
        update orders set
          street = null, number = null, complement = null, postal_code = null, delivery_notes = null,
          latitude = round(latitude::numeric, 2)::float8, longitude = round(longitude::numeric, 2)::float8,
          address_erased_at = now(), updated_at = now()
        where customer_id = ${customerId}::uuid and address_erased_at is null`,
  };
}
