import { hasRole, Role, type Viewer } from '#kit';
import type { OrderActorRole } from '../database.js';
import type { Order } from './order-store.js';

/**
 * How a viewer stands to an order, most specific first: its customer, its supplier, an admin
 * (with a second factor in this session). Empty for everybody else, who may not learn that the
 * order exists. Issue 7 adds the assigned courier.
 */
export function relationsTo(viewer: Viewer | null, order: Pick<Order, 'customerId' | 'supplierId'>): OrderActorRole[] {
  if (viewer === null) return [];
  const relations: OrderActorRole[] = [];
  if (viewer.userId === order.customerId) relations.push('CUSTOMER');
  if (viewer.userId === order.supplierId) relations.push('SUPPLIER');
  if (hasRole(viewer, Role.ADMIN)) relations.push('ADMIN');
  return relations;
}

export const canSee = (viewer: Viewer | null, order: Pick<Order, 'customerId' | 'supplierId'>): boolean => relationsTo(viewer, order).length > 0;
