import type { AnalyticsTransaction } from '../database.js';

/** Columns of order_facts an order event may set; each event sets its own. */
export type OrderFactColumn =
  | 'total_amount'
  | 'currency'
  | 'payment_method'
  | 'cylinder_count'
  | 'placed_at'
  | 'confirmed_at'
  | 'courier_id'
  | 'courier_assigned_at'
  | 'in_transit_at'
  | 'delivered_at'
  | 'cancelled_at'
  | 'store_id'
  | 'awaiting_acceptance_at'
  | 'accepted_at'
  | 'auto_accepted'
  | 'rejected_at'
  | 'cancel_reason'
  | 'promised_by';

export interface OrderParties {
  orderId: string;
  customerId: string;
  supplierId: string;
}

const casts: Record<OrderFactColumn, string> = {
  total_amount: 'int',
  currency: 'text',
  payment_method: 'text',
  cylinder_count: 'int',
  placed_at: 'timestamptz',
  confirmed_at: 'timestamptz',
  courier_id: 'uuid',
  courier_assigned_at: 'timestamptz',
  in_transit_at: 'timestamptz',
  delivered_at: 'timestamptz',
  cancelled_at: 'timestamptz',
  store_id: 'uuid',
  awaiting_acceptance_at: 'timestamptz',
  accepted_at: 'timestamptz',
  auto_accepted: 'boolean',
  rejected_at: 'timestamptz',
  cancel_reason: 'text',
  promised_by: 'timestamptz',
};

/**
 * Creates the order's row on its first event, whichever it is, and fills in the columns this
 * event knows. A column once set keeps its first value: a replayed or duplicated event
 * (even under another event id) changes nothing, which is what keeps every total stable.
 */
export async function recordOrderFacts(
  transaction: AnalyticsTransaction,
  parties: OrderParties,
  facts: Partial<Record<OrderFactColumn, string | number | boolean | null>>,
): Promise<void> {
  const entries = Object.entries(facts).filter(([, value]) => value !== null && value !== undefined) as Array<
    [OrderFactColumn, string | number | boolean]
  >;
  const columns = entries.map(([column]) => `"${column}"`);
  const placeholders = entries.map(([column], index) => `$${index + 4}::${casts[column]}`);
  const updates = entries.map(([column]) => `"${column}" = coalesce(order_facts."${column}", excluded."${column}")`);
  await transaction.$executeRawUnsafe(
    `insert into order_facts (order_id, customer_id, supplier_id${columns.map((column) => `, ${column}`).join('')})
     values ($1::uuid, $2::uuid, $3::uuid${placeholders.map((placeholder) => `, ${placeholder}`).join('')})
     on conflict (order_id) do ${updates.length === 0 ? 'nothing' : `update set ${updates.join(', ')}`}`,
    parties.orderId,
    parties.customerId,
    parties.supplierId,
    ...entries.map(([, value]) => value),
  );
}

export async function recordOrderItems(
  transaction: AnalyticsTransaction,
  orderId: string,
  items: ReadonlyArray<{ productId: string; quantity: number; lineTotalAmount: number }>,
): Promise<void> {
  if (items.length === 0) return;
  const values: unknown[] = [orderId];
  const rows = items.map((item, index) => {
    values.push(item.productId, item.quantity, item.lineTotalAmount);
    return `($1::uuid, $${index * 3 + 2}::uuid, $${index * 3 + 3}::int, $${index * 3 + 4}::int)`;
  });
  // The order's row exists (its facts are recorded first): its supplier, and its delivery if already known.
  await transaction.$executeRawUnsafe(
    `insert into order_item_facts (order_id, product_id, quantity, line_total_amount, supplier_id, delivered_at)
     select v.order_id, v.product_id, v.quantity, v.line_total_amount, o.supplier_id, o.delivered_at
     from (values ${rows.join(', ')}) as v (order_id, product_id, quantity, line_total_amount) join order_facts o on o.order_id = v.order_id
     on conflict do nothing`,
    ...values,
  );
}

/** Copies an order's delivery time onto its lines (first value kept, like the order's own). */
export async function recordItemsDelivered(transaction: AnalyticsTransaction, orderId: string, deliveredAt: string): Promise<void> {
  await transaction.$executeRawUnsafe(
    'update order_item_facts set delivered_at = $2::timestamptz where order_id = $1::uuid and delivered_at is null',
    orderId,
    deliveredAt,
  );
}
