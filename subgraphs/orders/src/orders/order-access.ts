import { hasRole, Role, type Viewer } from '#kit';
import type { OrderActorRole } from '../database.js';
import type { Order } from './order-store.js';

/**
 * How a viewer stands to an order, most specific first: its customer, its supplier, an admin
 * (with a second factor in this session). Empty for everybody else. Couriers are not parties:
 * they see an order through `courierViewOf`, and move it only through couriers' events.
 */
export function relationsTo(viewer: Viewer | null, order: Pick<Order, 'customerId' | 'supplierId'>): OrderActorRole[] {
  if (viewer === null) return [];
  const relations: OrderActorRole[] = [];
  if (viewer.userId === order.customerId) relations.push('CUSTOMER');
  if (viewer.userId === order.supplierId) relations.push('SUPPLIER');
  if (hasRole(viewer, Role.ADMIN)) relations.push('ADMIN');
  return relations;
}

/**
 * What a courier sees of an order:
 * - OFFERED, while their offer is open and nobody carries the order yet: what they need to
 *   decide (the lines, the drop-off area, the amount to collect), nothing personal;
 * - ASSIGNED, from acceptance until the delivery ends (delivered, cancelled or reassigned):
 *   also the full address and the customer's first name;
 * - CARRIED, afterwards: the outline again, as the record of their work.
 */
export type CourierView = 'OFFERED' | 'ASSIGNED' | 'CARRIED';

export function courierViewOf(
  viewer: Viewer | null,
  order: Pick<Order, 'status' | 'couriers'>,
  now: Date = new Date(),
): CourierView | null {
  if (viewer === null || !hasRole(viewer, Role.COURIER)) return null;
  const own = order.couriers.find((row) => row.courierId === viewer.userId);
  if (own === undefined) return null;
  if (own.assignedAt !== null) {
    const underway = own.endedAt === null && (order.status === 'CONFIRMED' || order.status === 'IN_TRANSIT');
    return underway ? 'ASSIGNED' : 'CARRIED';
  }
  const taken = order.couriers.some((row) => row.assignedAt !== null && row.endedAt === null);
  return order.status === 'CONFIRMED' && !taken && own.offeredUntil.getTime() > now.getTime() ? 'OFFERED' : null;
}

/** Sees the order at all: a party, an admin, or a courier it was offered to or carried by. */
export const canSee = (viewer: Viewer | null, order: Pick<Order, 'customerId' | 'supplierId' | 'status' | 'couriers'>): boolean =>
  relationsTo(viewer, order).length > 0 || courierViewOf(viewer, order) !== null;

/** Sees the order only as a courier: personal fields are refused to them. */
export const seesAsCourierOnly = (viewer: Viewer | null, order: Order): CourierView | null =>
  relationsTo(viewer, order).length > 0 ? null : courierViewOf(viewer, order);
