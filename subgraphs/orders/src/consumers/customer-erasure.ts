import { eventConsumer, type ConsumerDefinition, type TransactionRunner } from '#kit';
import type { OrdersTransaction } from '../database.js';
import { addressDeleted } from '../addresses/address-service.js';
import type { AddressStore } from '../addresses/address-store.js';
import type { OrderStore } from '../orders/order-store.js';
import { UserEvents } from '../../../accounts/src/events/index.js';

/**
 * orders reacts to user.deleted by erasing what in a deleted customer's orders points at their
 * home: street, number, complement, CEP (a CEP often names a single street), the delivery notes
 * (directions to the door: "portão azul, casa dos fundos"), and the coordinates' precision beyond
 * about a kilometre. The orders themselves stay, with district, city and state: they are the
 * platform's and the supplier's record of money that changed hands. The customer's saved
 * addresses go entirely, each with address.deleted so products' copy goes too.
 */
export function customerErasureConsumer(
  orders: OrderStore,
  addresses: AddressStore,
  transactions: TransactionRunner<OrdersTransaction>,
): ConsumerDefinition {
  return eventConsumer({
    name: 'orders.user-deletions',
    transactions,
    handlers: (on) => [
      on(UserEvents.deleted, async (data, { transaction, logger, envelope }) => {
        const { userId } = data;
        const erased = await orders.eraseAddressesOf(userId, transaction);
        if (erased > 0) logger.info({ customerId: userId, orders: erased }, 'deleted customer’s delivery addresses erased');
        const origin = { source: 'orders', correlationId: envelope.correlationId };
        const deleted = await addresses.deleteAllOf(transaction, userId, (row) => [addressDeleted(origin, row)]);
        if (deleted > 0) logger.info({ customerId: userId, addresses: deleted }, 'deleted customer’s saved addresses removed');
      }),
    ],
  });
}
