import { randomUUID } from 'node:crypto';
import {
  appError,
  ErrorCode,
  forbidden,
  hasRole,
  invalidInput,
  notFound,
  pendingEvent,
  requireRole,
  requireViewer,
  Role,
  type EventOrigin,
  type FieldProblem,
  type KeysetCursor,
  type Viewer,
} from '#kit';
import type { AddressService } from '../addresses/address-service.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import type { CancellationReasonCode, OrderActorRole, OrderStatus } from '../database.js';
import { OrderEvents } from '../events/index.js';
import type { StoreViewStore } from '../stores/store-view-store.js';
import { estimatedDeliveryMinutes, type StoreSnapshot } from '../../../products/src/events/index.js';
import { canSee, relationsTo } from './order-access.js';
import { orderCreatedEvents, statusEvents } from './order-events.js';
import { readOrderInput, type DeliveryAddress, type OrderRequest, type PlaceOrderInput } from './order-input.js';
import { priceAtStore } from './order-pricing.js';
import type { MoveEvents, Order, OrderPage, OrderStore, Pickup, StatusMove } from './order-store.js';
import { judgeStore } from './store-judgement.js';
import { checkTransition, transitionError } from './order-transitions.js';

export const MAX_CANCELLATION_REASON_LENGTH = 500;

export interface OrderServiceSettings {
  /** Card and Pix orders must be paid within this many minutes of being placed. */
  paymentTimeoutMinutes: number;
  /** Added to the store's estimate in the promised-by time: payment, acceptance, finding a courier. */
  promiseMarginMinutes: number;
  /** An empty's price for troca lines when the store sells neither completo nor vasilhame of the class. */
  emptyCylinderFallbackAmount: number;
}

export const MAX_REJECTION_REASON_LENGTH = 500;
export const MAX_OUT_OF_STOCK_PRODUCTS = 20;

export interface OrderListArgs {
  first: number;
  after?: KeysetCursor;
  status?: OrderStatus;
  storeId?: string;
}

/** Why a person cancelled, by how they stand to the order. */
const cancellationByActor: Readonly<Record<Exclude<OrderActorRole, 'SYSTEM'>, { code: CancellationReasonCode; reason: string }>> = {
  CUSTOMER: { code: 'CUSTOMER_REQUEST', reason: 'Cancelled by the customer.' },
  SUPPLIER: { code: 'SUPPLIER_REQUEST', reason: 'Cancelled by the supplier.' },
  ADMIN: { code: 'ADMIN_REQUEST', reason: 'Cancelled by an admin.' },
};

/** Orders as people use them: placing, reading, cancelling and delivering, and who may do which. */
export class OrderService {
  constructor(
    private readonly orders: OrderStore,
    private readonly catalog: CatalogStore,
    private readonly stores: StoreViewStore,
    private readonly addresses: AddressService,
    private readonly settings: OrderServiceSettings,
  ) {}

  /**
   * Judges the order against its store as orders knows the store now (trading, authorised, not
   * paused, open, delivering to the point), prices the items at that store with its fee for the
   * distance, and writes the order, its lines, its first history row and order.created in one
   * transaction. Input problems come first, all in one BAD_USER_INPUT; then the first of the
   * store's refusals (src/errors.ts). A refused order writes nothing.
   */
  async place(viewer: Viewer | null, input: PlaceOrderInput, origin: EventOrigin): Promise<Order> {
    const customer = requireRole(viewer, Role.CUSTOMER);
    const { request, problems } = readOrderInput(input);
    if (problems.length > 0) throw invalidInput(problems);
    const address = await this.destinationOf(customer, request.destination);
    const store = await this.stores.find(request.storeId);
    if (store === null) throw notFound('Store');
    const createdAt = new Date();
    const judged = judgeStore(store, address, createdAt);
    if (judged.refusal !== undefined) throw judged.refusal;
    const catalog = await this.catalog.entries(request.lines.map((line) => line.productId));
    const trocaClasses = [...catalog.values()]
      .filter((product) => product.saleType === 'REFILL_EXCHANGE')
      .map((product) => product.cylinderType);
    const priced = priceAtStore(request.lines, catalog, {
      store,
      distanceMeters: judged.distanceMeters,
      sameClassProducts: await this.catalog.onSaleAt(store.storeId, [...new Set(trocaClasses)]),
      emptyCylinderFallbackAmount: this.settings.emptyCylinderFallbackAmount,
    });
    if (priced.order === undefined) throw priced.refusal ?? new Error('pricing gave neither an order nor a refusal');
    const promisedMinutes = estimatedDeliveryMinutes(store.preparationMinutes, judged.distanceMeters) + this.settings.promiseMarginMinutes;
    // Cash is collected at the door, so a cash order waits for no payment.
    const paymentDueAt =
      request.paymentMethod === 'CASH_ON_DELIVERY' ? null : new Date(createdAt.getTime() + this.settings.paymentTimeoutMinutes * 60_000);
    return this.orders.create(
      {
        ...priced.order,
        id: randomUUID(),
        customerId: customer.userId,
        paymentMethod: request.paymentMethod,
        address,
        createdAt,
        paymentDueAt,
        pickup: pickupOf(store),
        distanceMeters: judged.distanceMeters,
        promisedBy: new Date(createdAt.getTime() + promisedMinutes * 60_000),
      },
      orderCreatedEvents(origin),
    );
  }

  /** The store's supplier (or an admin) takes an order waiting for it: CONFIRMED, and a courier is sought. */
  accept(viewer: Viewer | null, id: string, origin: EventOrigin): Promise<Order> {
    return this.changeStatus(viewer, id, 'CONFIRMED', origin, (_actor, actorId) => ({
      reason: 'Accepted by the store.',
      acceptedBy: actorId,
    }));
  }

  /**
   * The store's supplier (or an admin) refuses an order waiting for it, naming the products it is
   * out of stock of (products takes them off sale on order.rejected): CANCELLED, STORE_REJECTED,
   * and the saga refunds and releases the stock as for any cancellation.
   */
  async reject(
    viewer: Viewer | null,
    id: string,
    input: { reason: string; outOfStockProductIds?: readonly string[] | null },
    origin: EventOrigin,
  ): Promise<Order> {
    const signedIn = requireViewer(viewer);
    const reason = input.reason.trim().replace(/\s+/g, ' ');
    const outOfStock = [...new Set((input.outOfStockProductIds ?? []).map((productId) => productId.trim().toLowerCase()))];
    const problems: FieldProblem[] = [];
    if (reason === '' || reason.length > MAX_REJECTION_REASON_LENGTH)
      problems.push({ field: 'reason', message: `must be 1 to ${MAX_REJECTION_REASON_LENGTH} characters: the customer reads it` });
    if (outOfStock.length > MAX_OUT_OF_STOCK_PRODUCTS)
      problems.push({ field: 'outOfStockProductIds', message: `must name at most ${MAX_OUT_OF_STOCK_PRODUCTS} products` });
    const order = this.visible(signedIn, await this.orders.findById(id));
    const onOrder = new Set(order.items.map((item) => item.productId));
    outOfStock.forEach((productId, index) => {
      if (!onOrder.has(productId)) problems.push({ field: `outOfStockProductIds.${index}`, message: 'is not a product of this order' });
    });
    if (problems.length > 0) throw invalidInput(problems);
    if (!relationsTo(signedIn, order).some((relation) => relation === 'SUPPLIER' || relation === 'ADMIN'))
      throw forbidden('Only the order’s store (its supplier) or an admin may reject it.');
    if (order.status !== 'AWAITING_ACCEPTANCE')
      throw appError(
        ErrorCode.CONFLICT,
        `This order is ${order.status}: only an order waiting for the store (AWAITING_ACCEPTANCE) can be rejected.`,
        {
          currentStatus: order.status,
          requestedStatus: 'CANCELLED',
        },
      );
    const storeId = order.storeId;
    // Only orders placed with a store ever wait for one.
    if (storeId === null) throw new Error(`order ${order.id} awaits acceptance without a store`);
    const why = `The store could not take your order: ${reason}`;
    return this.changeStatus(
      signedIn,
      id,
      'CANCELLED',
      origin,
      (_actor, actorId) => ({ reason: why, cancellation: { code: 'STORE_REJECTED', reason: why, cancelledBy: actorId } }),
      (after, previousStatus) => [
        pendingEvent(OrderEvents.rejected, origin, after.id, {
          orderId: after.id,
          customerId: after.customerId,
          supplierId: after.supplierId,
          storeId,
          rejectedBy: signedIn.userId,
          reason,
          outOfStockProductIds: outOfStock,
          at: after.updatedAt.toISOString(),
        }),
        ...statusEvents(origin)(after, previousStatus),
      ],
      'AWAITING_ACCEPTANCE',
    );
  }

  /** Where the order goes: the address given, or one of the customer's saved addresses. */
  private async destinationOf(customer: Viewer, destination: OrderRequest['destination']): Promise<DeliveryAddress> {
    if ('address' in destination) return destination.address;
    const saved = await this.addresses.own(customer, destination.addressId);
    return {
      street: saved.street,
      number: saved.number,
      complement: saved.complement,
      district: saved.district,
      city: saved.city,
      state: saved.state,
      postalCode: saved.postalCode,
      latitude: saved.latitude,
      longitude: saved.longitude,
      notes: saved.deliveryNotes,
    };
  }

  /** An order the viewer may see. A missing order and somebody else's get the same NOT_FOUND. */
  visible(viewer: Viewer | null, order: Order | null): Order {
    const signedIn = requireViewer(viewer);
    if (order === null || !canSee(signedIn, order)) throw notFound('Order');
    return order;
  }

  /** Customers and suppliers list the orders they take part in; admins list every order. */
  list(viewer: Viewer | null, args: OrderListArgs): Promise<OrderPage> {
    const signedIn = requireViewer(viewer);
    return this.orders.list({ ...args, ...(hasRole(signedIn, Role.ADMIN) ? {} : { participantId: signedIn.userId }) });
  }

  /** `User.orders`: the user's own orders (placed or supplied), for the user themself or an admin. */
  listOf(viewer: Viewer | null, userId: string, args: OrderListArgs): Promise<OrderPage> {
    const signedIn = requireViewer(viewer);
    if (signedIn.userId !== userId) requireRole(signedIn, Role.ADMIN);
    return this.orders.list({ ...args, participantId: userId });
  }

  async cancel(viewer: Viewer | null, id: string, reason: string | null | undefined, origin: EventOrigin): Promise<Order> {
    const given = reason?.trim() ?? '';
    if (given.length > MAX_CANCELLATION_REASON_LENGTH) {
      throw invalidInput([{ field: 'reason', message: `must be at most ${MAX_CANCELLATION_REASON_LENGTH} characters` }]);
    }
    return this.changeStatus(viewer, id, 'CANCELLED', origin, (actor, actorId) => {
      if (actor === 'SYSTEM') throw new Error('a person cancels as the customer, the supplier or an admin');
      const byActor = cancellationByActor[actor];
      const why = given === '' ? byActor.reason : given;
      return { reason: why, cancellation: { code: byActor.code, reason: why, cancelledBy: actorId } };
    });
  }

  startDelivery(viewer: Viewer | null, id: string, origin: EventOrigin): Promise<Order> {
    return this.changeStatus(viewer, id, 'IN_TRANSIT', origin);
  }

  completeDelivery(viewer: Viewer | null, id: string, origin: EventOrigin): Promise<Order> {
    return this.changeStatus(viewer, id, 'DELIVERED', origin);
  }

  /**
   * Checks the move against the transition table as the viewer stands to the order, and
   * applies it only if the order is still in the status it was judged in. When a concurrent
   * move got there first, the request is judged again against the new status, which usually
   * refuses it; the machine has no cycles, so this ends.
   */
  private async changeStatus(
    viewer: Viewer | null,
    id: string,
    to: OrderStatus,
    origin: EventOrigin,
    details: (actor: OrderActorRole, actorId: string) => Pick<StatusMove, 'reason' | 'cancellation' | 'acceptedBy'> = () => ({
      reason: null,
    }),
    events: MoveEvents = statusEvents(origin),
    onlyFrom?: OrderStatus,
  ): Promise<Order> {
    const signedIn = requireViewer(viewer);
    for (;;) {
      const order = this.visible(signedIn, await this.orders.findById(id));
      if (onlyFrom !== undefined && order.status !== onlyFrom)
        throw appError(ErrorCode.CONFLICT, `This order is ${order.status}, no longer ${onlyFrom}.`, {
          currentStatus: order.status,
          requestedStatus: to,
        });
      const check = checkTransition(order.status, to, relationsTo(signedIn, order));
      if (!check.allowed) throw transitionError(check, order.status, to);
      const moved = await this.orders.moveNow(
        order,
        { to, actorId: signedIn.userId, actorRole: check.actor, ...details(check.actor, signedIn.userId) },
        events,
      );
      if (moved !== null) return moved;
    }
  }
}

/** The store's public address, where the courier picks the order up. */
function pickupOf(store: StoreSnapshot): Pickup {
  const { address } = store;
  return {
    storeId: store.storeId,
    storeName: store.name,
    street: address.street,
    number: address.number,
    district: address.district,
    city: address.city,
    state: address.state,
    latitude: address.latitude,
    longitude: address.longitude,
  };
}
