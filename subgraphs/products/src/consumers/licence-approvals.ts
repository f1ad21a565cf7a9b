import { eventConsumer, type ConsumerDefinition, type TransactionRunner } from '#kit';
import type { ProductsTransaction } from '../catalog/product-store.js';
import type { StoreStore } from '../stores/store-store.js';
import { storeEditEvents } from '../stores/store-change-events.js';
import { VerificationEvents } from '../../../verification/src/events/index.js';

/**
 * products reacts to licence.approved: the supplier's ANP authorisation (the newest approval
 * wins) becomes every one of its stores' authorisation, each announced with a new revision
 * (store.updated, changed ['authorization']), so orders judges them with it too.
 */
export function licenceApprovalConsumer(stores: StoreStore, transactions: TransactionRunner<ProductsTransaction>): ConsumerDefinition {
  return eventConsumer({
    name: 'products.licence-approvals',
    transactions,
    handlers: (on) => [
      on(VerificationEvents.licenceApproved, async (data, { transaction, envelope, logger }) => {
        const changed = await stores.recordLicence(
          transaction,
          {
            supplierId: data.userId,
            authorizationNumber: data.authorizationNumber,
            validUntil: data.validUntil,
            documentId: data.documentId,
            approvedAt: new Date(data.approvedAt),
          },
          storeEditEvents({ source: 'products', correlationId: envelope.correlationId }, ['authorization']),
        );
        logger.info({ supplierId: data.userId, validUntil: data.validUntil, stores: changed.length }, 'supplier authorisation recorded');
      }),
    ],
  });
}
