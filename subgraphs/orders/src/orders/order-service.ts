import { randomUUID } from 'node:crypto';
import { hasRole, invalidInput, notFound, requireRole, requireViewer, Role, type EventOrigin, type KeysetCursor, type Viewer } from '#kit';
import type { CatalogStore } from '../catalog/catalog-store.js';
import type { CancellationReasonCode, OrderActorRole, OrderStatus } from '../database.js';
import { canSee, relationsTo } from './order-access.js';
import { orderCreatedEvents, statusEvents } from './order-events.js';
import { readOrderInput, type PlaceOrderInput } from './order-input.js';
import { priceOrder } from './order-pricing.js';
import type { Order, OrderPage, OrderStore, StatusMove } from './order-store.js';
import { checkTransition, transitionError } from './order-transitions.js';

export const MAX_CANCELLATION_REASON_LENGTH = 500;

export interface OrderServiceSettings {
  /** Added to every order, in minor units of its currency. */
  deliveryFeeAmount: number;
  /** Card and Pix orders must be paid within this many minutes of being placed. */
  paymentTimeoutMinutes: number;
}

export interface OrderListArgs {
  first: number;
  after?: KeysetCursor;
  status?: OrderStatus;
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
    private readonly settings: OrderServiceSettings,
  ) {}

  /**
   * Prices the items from orders' catalog snapshot as it is now and writes the order, its
   * lines, its first history row and order.created in one transaction. Every problem with the
   * input, the catalog's included, is reported in one BAD_USER_INPUT.
   */
  async place(viewer: Viewer | null, input: PlaceOrderInput, origin: EventOrigin): Promise<Order> {
    const customer = requireRole(viewer, Role.CUSTOMER);
    const { request, problems } = readOrderInput(input);
    const catalog = await this.catalog.entries(request.lines.map((line) => line.productId));
    const priced = priceOrder(request.lines, catalog, this.settings.deliveryFeeAmount);
    problems.push(...priced.problems);
    if (problems.length > 0 || priced.order === null) throw invalidInput(problems);
    const createdAt = new Date();
    // Cash is collected at the door, so a cash order waits for no payment.
    const paymentDueAt =
      request.paymentMethod === 'CASH_ON_DELIVERY' ? null : new Date(createdAt.getTime() + this.settings.paymentTimeoutMinutes * 60_000);
    return this.orders.create(
      {
        ...priced.order,
        id: randomUUID(),
        customerId: customer.userId,
        paymentMethod: request.paymentMethod,
        address: request.address,
        createdAt,
        paymentDueAt,
      },
      orderCreatedEvents(origin),
    );
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
    details: (actor: OrderActorRole, actorId: string) => Pick<StatusMove, 'reason' | 'cancellation'> = () => ({ reason: null }),
  ): Promise<Order> {
    const signedIn = requireViewer(viewer);
    for (;;) {
      const order = this.visible(signedIn, await this.orders.findById(id));
      const check = checkTransition(order.status, to, relationsTo(signedIn, order));
      if (!check.allowed) throw transitionError(check, order.status, to);
      const moved = await this.orders.moveNow(
        order,
        { to, actorId: signedIn.userId, actorRole: check.actor, ...details(check.actor, signedIn.userId) },
        statusEvents(origin),
      );
      if (moved !== null) return moved;
    }
  }
}
