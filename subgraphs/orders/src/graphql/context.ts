import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { AddressService } from '../addresses/address-service.js';
import type { CourierViewStore } from '../couriers/courier-view-store.js';
import type { OrderService } from '../orders/order-service.js';
import type { Order, OrderStore, StatusChange } from '../orders/order-store.js';

export interface OrdersContext extends RequestContext {
  readonly service: OrderService;
  readonly addresses: AddressService;
  /** Batches `order` and `_entities` lookups into one query per request. */
  readonly orderById: DataLoader<string, Order | null>;
  /** Batches `Order.history` across a page into one query. */
  readonly historyByOrder: DataLoader<string, StatusChange[]>;
  /** Batches `Order.customerFirstName` across a list of orders. */
  readonly firstNameByCustomer: DataLoader<string, string | null>;
}

export function firstNameLoader(views: CourierViewStore): DataLoader<string, string | null> {
  return new DataLoader(async (userIds) => {
    const found = await views.firstNamesOf(userIds);
    return userIds.map((userId) => found.get(userId) ?? null);
  });
}

export function orderLoader(orders: OrderStore): DataLoader<string, Order | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await orders.findByIds(ids)).map((order) => [order.id, order]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

export function historyLoader(orders: OrderStore): DataLoader<string, StatusChange[]> {
  return new DataLoader(async (orderIds) => {
    const byOrder = new Map<string, StatusChange[]>(orderIds.map((id) => [id, []]));
    for (const change of await orders.historyOf(orderIds)) byOrder.get(change.orderId)?.push(change);
    return orderIds.map((id) => byOrder.get(id) ?? []);
  });
}
