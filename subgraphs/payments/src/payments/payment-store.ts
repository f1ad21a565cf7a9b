import { isUuid } from '#kit';
import type { PaymentMethod, PaymentRow, PaymentStatus, PaymentsDatabase, PaymentsTransaction, Prisma } from '../database.js';

export type Payment = PaymentRow;

export interface NewPayment {
  id: string;
  orderId: string;
  customerId: string;
  supplierId: string;
  method: PaymentMethod;
  amount: number;
  currency: string;
  status: Extract<PaymentStatus, 'AWAITING_PAYMENT' | 'AWAITING_DELIVERY'>;
}

export type PaymentPatch = Omit<Prisma.PaymentUpdateInput, 'id' | 'attempts' | 'refunds'>;

export interface PaymentStore {
  /** Opens the order's payment; false when the order already has one. */
  open(transaction: PaymentsTransaction, payment: NewPayment): Promise<boolean>;
  findById(id: string): Promise<Payment | null>;
  findByIds(ids: readonly string[]): Promise<Payment[]>;
  findByOrderId(orderId: string): Promise<Payment | null>;
  findByOrderIds(orderIds: readonly string[]): Promise<Payment[]>;
  /**
   * Locks the payment's row until the transaction ends and returns it as it is
   * now. Every change to a payment's money happens under this lock.
   */
  lock(transaction: PaymentsTransaction, by: { id: string } | { orderId: string }): Promise<Payment | null>;
  update(transaction: PaymentsTransaction, id: string, patch: PaymentPatch): Promise<Payment>;
  /** Cancelled orders' payments that still hold captured money with no refund in flight (a safety net's work list). */
  cancelledWithMoneyLeft(limit: number): Promise<string[]>;
}

export function paymentStore(database: PaymentsDatabase): PaymentStore {
  return {
    async open(transaction, payment) {
      const inserted = await transaction.$executeRaw`
        insert into payments (id, order_id, customer_id, supplier_id, method, amount, currency, status, updated_at)
        values (${payment.id}::uuid, ${payment.orderId}::uuid, ${payment.customerId}::uuid, ${payment.supplierId}::uuid,
                ${payment.method}::"PaymentMethod", ${payment.amount}, ${payment.currency}, ${payment.status}::"PaymentStatus", now())
        on conflict (order_id) do nothing`;
      return inserted === 1;
    },
    findById: async (id) => (isUuid(id) ? database.payment.findUnique({ where: { id } }) : null),
    findByIds: (ids) => database.payment.findMany({ where: { id: { in: ids.filter(isUuid) } } }),
    findByOrderId: async (orderId) => (isUuid(orderId) ? database.payment.findUnique({ where: { orderId } }) : null),
    findByOrderIds: (orderIds) => database.payment.findMany({ where: { orderId: { in: orderIds.filter(isUuid) } } }),
    async lock(transaction, by) {
      const locked =
        'id' in by
          ? await transaction.$queryRaw<Array<{ id: string }>>`select id::text as id from payments where id = ${by.id}::uuid for update`
          : await transaction.$queryRaw<
              Array<{ id: string }>
            >`select id::text as id from payments where order_id = ${by.orderId}::uuid for update`;
      const id = locked[0]?.id;
      return id === undefined ? null : transaction.payment.findUniqueOrThrow({ where: { id } });
    },
    update: (transaction, id, patch) => transaction.payment.update({ where: { id }, data: patch }),
    async cancelledWithMoneyLeft(limit) {
      const rows = await database.$queryRaw<Array<{ id: string }>>`
        select p.id::text as id from payments p
        where p.cancel_requested_at is not null and p.status in ('PAID', 'PARTIALLY_REFUNDED')
          and not exists (select 1 from refunds r where r.payment_id = p.id and r.status = 'PENDING')
        order by p.cancel_requested_at
        limit ${limit}`;
      return rows.map((row) => row.id);
    },
  };
}
