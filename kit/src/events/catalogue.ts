import { z } from 'zod';
import { Topic } from './topics.js';

/**
 * Every event type: its topic, payload schema and version. Producers build
 * payloads that satisfy the schema; consumers validate against it before
 * handling, so a malformed payload goes to the dead-letter topic instead of
 * into a handler. EVENTS.md documents the same table for people.
 */
export interface EventDefinition<Schema extends z.ZodType> {
  type: string;
  topic: Topic;
  version: number;
  data: Schema;
}

const define = <Schema extends z.ZodType>(definition: EventDefinition<Schema>) => definition;

const role = z.enum(['CUSTOMER', 'SUPPLIER', 'COURIER', 'ADMIN']);
const invitedRole = z.enum(['CUSTOMER', 'SUPPLIER', 'COURIER']);
const verifiedRole = z.enum(['SUPPLIER', 'COURIER']);
const timestamp = z.iso.datetime({ offset: true });
/** Integer minor units (centavos); never a float. */
const money = z.number().int().nonnegative();
const currency = z.string().length(3);
const paymentMethod = z.enum(['PIX', 'CARD', 'CASH_ON_DELIVERY']);
const location = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });
const orderLine = z.object({ productId: z.uuid(), quantity: z.number().int().positive() });
const orderStatus = z.enum(['PENDING_PAYMENT', 'CONFIRMED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED']);
/** Who an order concerns: every order event says it, so consumers and subscriptions can route it. */
const orderParties = z.object({ orderId: z.uuid(), customerId: z.uuid(), supplierId: z.uuid() });
const alertSeverity = z.enum(['INFO', 'WARNING', 'CRITICAL']);
const userData = z.object({ userId: z.uuid(), roles: z.array(role), name: z.string() });

const productSnapshot = z.object({
  productId: z.uuid(),
  supplierId: z.uuid(),
  name: z.string(),
  cylinderType: z.string(),
  priceAmount: z.number().int(),
  currency: z.string().length(3),
  stockQuantity: z.number().int().nonnegative(),
  lowStockThreshold: z.number().int().nonnegative().nullable(),
  active: z.boolean(),
});

export const Events = {
  userCreated: define({ type: 'user.created', topic: Topic.USER, version: 1, data: userData }),
  userUpdated: define({
    type: 'user.updated',
    topic: Topic.USER,
    version: 1,
    data: userData.extend({ changed: z.array(z.enum(['name', 'email', 'phone', 'roles', 'verified'])) }),
  }),
  userDeleted: define({ type: 'user.deleted', topic: Topic.USER, version: 1, data: z.object({ userId: z.uuid(), roles: z.array(role) }) }),
  /**
   * Access tokens the user holds stop working everywhere: every token whose
   * `access_version` claim is below `accessVersion` (or absent) is refused until
   * `tokensExpireBy`, when the last of them has expired anyway.
   */
  userAccessRevoked: define({
    type: 'user.access_revoked',
    topic: Topic.USER,
    version: 1,
    data: z.object({
      userId: z.uuid(),
      reason: z.enum(['ACCOUNT_DELETED', 'ROLE_REMOVED', 'VERIFICATION_WITHDRAWN', 'SIGNED_OUT_EVERYWHERE']),
      /** The user's access version after the change; tokens carrying a lower one predate it. */
      accessVersion: z.number().int().positive(),
      revokedAt: timestamp,
      /** revokedAt plus the access-token lifetime: no token the revocation concerns is valid after this. */
      tokensExpireBy: timestamp,
    }),
  }),
  productCreated: define({ type: 'product.created', topic: Topic.PRODUCT, version: 1, data: productSnapshot }),
  productUpdated: define({
    type: 'product.updated',
    topic: Topic.PRODUCT,
    version: 1,
    data: productSnapshot.extend({ changed: z.array(z.string()) }),
  }),
  productDeleted: define({
    type: 'product.deleted',
    topic: Topic.PRODUCT,
    version: 1,
    data: z.object({ productId: z.uuid(), supplierId: z.uuid() }),
  }),
  inventoryUpdated: define({
    type: 'inventory.updated',
    topic: Topic.PRODUCT,
    version: 1,
    data: z.object({
      productId: z.uuid(),
      supplierId: z.uuid(),
      previousQuantity: z.number().int().nonnegative(),
      stockQuantity: z.number().int().nonnegative(),
      lowStockThreshold: z.number().int().nonnegative().nullable(),
      /** True when this change took stock from above the threshold to at or below it. */
      crossedLowThreshold: z.boolean(),
    }),
  }),
  invitationCreated: define({
    type: 'invitation.created',
    topic: Topic.INVITATION,
    version: 1,
    data: z.object({
      invitationId: z.uuid(),
      role: invitedRole,
      channel: z.enum(['EMAIL', 'SMS']),
      /** The email address or E.164 phone number the invitation goes to. */
      recipient: z.string(),
      /** The code itself, for the notification that delivers it; only its hash is stored. */
      code: z.string(),
      invitedBy: z.uuid(),
      expiresAt: timestamp,
      maxUses: z.number().int().positive(),
    }),
  }),
  invitationAccepted: define({
    type: 'invitation.accepted',
    topic: Topic.INVITATION,
    version: 1,
    data: z.object({
      invitationId: z.uuid(),
      userId: z.uuid(),
      role: invitedRole,
      invitedBy: z.uuid(),
      /** The inviter's roles when inviting: a courier invited by a supplier works for that supplier. */
      inviterRoles: z.array(role),
      acceptedAt: timestamp,
    }),
  }),
  invitationExpired: define({
    type: 'invitation.expired',
    topic: Topic.INVITATION,
    version: 1,
    data: z.object({ invitationId: z.uuid(), role: invitedRole, invitedBy: z.uuid(), uses: z.number().int().nonnegative(), expiredAt: timestamp }),
  }),
  documentUploaded: define({
    type: 'document.uploaded',
    topic: Topic.VERIFICATION,
    version: 1,
    data: z.object({
      documentId: z.uuid(),
      userId: z.uuid(),
      documentType: z.string(),
      contentType: z.enum(['application/pdf', 'image/jpeg', 'image/png']),
      sizeBytes: z.number().int().positive(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      /** 1 for the first upload of this document type; each replacement adds one. */
      version: z.number().int().positive(),
    }),
  }),
  verificationRequested: define({
    type: 'verification.requested',
    topic: Topic.VERIFICATION,
    version: 1,
    data: z.object({
      requestId: z.uuid(),
      userId: z.uuid(),
      role: verifiedRole,
      requiredDocuments: z.array(z.string()),
      /** Why the user is (again) waiting for a review. */
      reason: z.enum(['INVITATION_ACCEPTED', 'SELF_REQUESTED', 'DOCUMENT_REPLACED']),
    }),
  }),
  verificationApproved: define({
    type: 'verification.approved',
    topic: Topic.VERIFICATION,
    version: 1,
    data: z.object({ requestId: z.uuid(), userId: z.uuid(), role: verifiedRole, reviewedBy: z.uuid(), approvedAt: timestamp }),
  }),
  verificationRejected: define({
    type: 'verification.rejected',
    topic: Topic.VERIFICATION,
    version: 1,
    data: z.object({
      requestId: z.uuid(),
      userId: z.uuid(),
      role: verifiedRole,
      documentId: z.uuid(),
      documentType: z.string(),
      reason: z.string(),
      reviewedBy: z.uuid(),
      rejectedAt: timestamp,
    }),
  }),
  orderCreated: define({
    type: 'order.created',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({
      items: z.array(orderLine.extend({ unitPriceAmount: money, lineTotalAmount: money })).min(1),
      subtotalAmount: money,
      deliveryFeeAmount: money,
      totalAmount: money,
      currency,
      paymentMethod,
      deliveryLocation: location,
      createdAt: timestamp,
    }),
  }),
  orderConfirmed: define({
    type: 'order.confirmed',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({
      totalAmount: money,
      currency,
      paymentMethod,
      /** Cylinders to carry, for matching a courier's capacity. */
      cylinderCount: z.number().int().positive(),
      deliveryLocation: location,
      confirmedAt: timestamp,
    }),
  }),
  orderInTransit: define({
    type: 'order.in_transit',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({ courierId: z.uuid().nullable(), at: timestamp }),
  }),
  orderDelivered: define({
    type: 'order.delivered',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({
      courierId: z.uuid().nullable(),
      paymentMethod,
      totalAmount: money,
      currency,
      deliveredAt: timestamp,
    }),
  }),
  orderCancelled: define({
    type: 'order.cancelled',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({
      previousStatus: orderStatus,
      reasonCode: z.enum(['CUSTOMER_REQUEST', 'SUPPLIER_REQUEST', 'ADMIN_REQUEST', 'STOCK_UNAVAILABLE', 'PAYMENT_EXPIRED']),
      reason: z.string(),
      /** Who cancelled; null when the saga did (stock unavailable, payment expired). */
      cancelledBy: z.uuid().nullable(),
      items: z.array(orderLine),
      cancelledAt: timestamp,
    }),
  }),
  stockReserved: define({
    type: 'stock.reserved',
    topic: Topic.PRODUCT,
    version: 1,
    data: z.object({ orderId: z.uuid(), items: z.array(orderLine).min(1) }),
  }),
  stockReservationFailed: define({
    type: 'stock.reservation_failed',
    topic: Topic.PRODUCT,
    version: 1,
    data: z.object({ orderId: z.uuid(), reason: z.string(), productId: z.uuid().nullable() }),
  }),
  stockReleased: define({
    type: 'stock.released',
    topic: Topic.PRODUCT,
    version: 1,
    data: z.object({ orderId: z.uuid(), items: z.array(orderLine).min(1) }),
  }),
  paymentProcessed: define({
    type: 'payment.processed',
    topic: Topic.PAYMENT,
    version: 1,
    data: z.object({
      paymentId: z.uuid(),
      orderId: z.uuid(),
      customerId: z.uuid(),
      supplierId: z.uuid(),
      amount: money,
      currency,
      method: paymentMethod,
      providerReference: z.string(),
      capturedAt: timestamp,
    }),
  }),
  paymentFailed: define({
    type: 'payment.failed',
    topic: Topic.PAYMENT,
    version: 1,
    data: z.object({
      paymentId: z.uuid(),
      orderId: z.uuid(),
      customerId: z.uuid(),
      method: paymentMethod,
      reasonCode: z.enum(['DECLINED', 'INSUFFICIENT_FUNDS', 'PROVIDER_ERROR', 'EXPIRED']),
      reason: z.string(),
      failedAt: timestamp,
    }),
  }),
  refundProcessed: define({
    type: 'refund.processed',
    topic: Topic.PAYMENT,
    version: 1,
    data: z.object({
      refundId: z.uuid(),
      paymentId: z.uuid(),
      orderId: z.uuid(),
      customerId: z.uuid(),
      amount: money,
      currency,
      /** Everything refunded on this payment so far, this refund included. */
      refundedTotal: money,
      capturedAmount: money,
      reason: z.string(),
      /** The admin who refunded; null for the automatic refund of a cancelled paid order. */
      initiatedBy: z.uuid().nullable(),
      processedAt: timestamp,
    }),
  }),
  courierOffered: define({
    type: 'courier.offered',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({ courierId: z.uuid(), offerId: z.uuid(), distanceMeters: z.number().int().nonnegative(), expiresAt: timestamp }),
  }),
  courierAssigned: define({
    type: 'courier.assigned',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({ courierId: z.uuid(), offerId: z.uuid(), assignedAt: timestamp }),
  }),
  /**
   * The delivery code exists: the customer can read it in the app (Order.deliveryCode). Since v2
   * the code itself never travels on the bus; it is the proof of handover, and only couriers
   * (which derives it) and the customer hold it.
   */
  deliveryCodeIssued: define({
    type: 'delivery.code_issued',
    topic: Topic.ORDER,
    version: 2,
    data: orderParties.extend({ courierId: z.uuid(), issuedAt: timestamp }),
  }),
  courierPickedUp: define({
    type: 'courier.picked_up',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({ courierId: z.uuid(), pickedUpAt: timestamp }),
  }),
  courierNotFound: define({
    type: 'courier.not_found',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({ offersMade: z.number().int().nonnegative(), searchedSince: timestamp, at: timestamp }),
  }),
  courierLocationUpdated: define({
    type: 'courier.location.updated',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({ courierId: z.uuid(), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), recordedAt: timestamp }),
  }),
  deliveryCompleted: define({
    type: 'delivery.completed',
    topic: Topic.ORDER,
    version: 1,
    data: orderParties.extend({ courierId: z.uuid(), completedAt: timestamp }),
  }),
  notificationSent: define({
    type: 'notification.sent',
    topic: Topic.NOTIFICATION,
    version: 1,
    data: z.object({ notificationId: z.uuid(), userId: z.uuid(), channel: z.enum(['IN_APP', 'EMAIL', 'SMS', 'PUSH']), category: z.string(), sentAt: timestamp }),
  }),
  notificationFailed: define({
    type: 'notification.failed',
    topic: Topic.NOTIFICATION,
    version: 1,
    data: z.object({
      notificationId: z.uuid(),
      userId: z.uuid(),
      channel: z.enum(['IN_APP', 'EMAIL', 'SMS', 'PUSH']),
      category: z.string(),
      attempts: z.number().int().positive(),
      reason: z.string(),
      failedAt: timestamp,
    }),
  }),
  alertTriggered: define({
    type: 'alert.triggered',
    topic: Topic.ALERT,
    version: 1,
    data: z.object({ alertId: z.uuid(), ruleId: z.uuid(), ruleName: z.string(), severity: alertSeverity, summary: z.string(), triggeredAt: timestamp }),
  }),
  alertEscalated: define({
    type: 'alert.escalated',
    topic: Topic.ALERT,
    version: 1,
    data: z.object({
      alertId: z.uuid(),
      ruleId: z.uuid(),
      ruleName: z.string(),
      severity: alertSeverity,
      /** 1 when the policy's first level is told; each further level adds one. */
      level: z.number().int().min(1),
      summary: z.string(),
      recipientUserIds: z.array(z.uuid()),
      escalatedAt: timestamp,
    }),
  }),
  alertAcknowledged: define({
    type: 'alert.acknowledged',
    topic: Topic.ALERT,
    version: 1,
    data: z.object({ alertId: z.uuid(), ruleId: z.uuid(), ruleName: z.string(), acknowledgedBy: z.uuid(), acknowledgedAt: timestamp }),
  }),
  alertResolved: define({
    type: 'alert.resolved',
    topic: Topic.ALERT,
    version: 1,
    /** resolvedBy: the admin who resolved it; null when the condition cleared by itself. */
    data: z.object({ alertId: z.uuid(), ruleId: z.uuid(), ruleName: z.string(), resolvedAt: timestamp, resolvedBy: z.uuid().nullable() }),
  }),
  reportGenerated: define({
    type: 'report.generated',
    topic: Topic.ANALYTICS,
    version: 1,
    data: z.object({
      reportId: z.uuid(),
      requestedBy: z.uuid(),
      kind: z.string(),
      format: z.enum(['CSV', 'JSON']),
      periodStart: timestamp,
      periodEnd: timestamp,
      generatedAt: timestamp,
    }),
  }),
} as const;

export type EventData<Definition> = Definition extends EventDefinition<infer Schema> ? z.infer<Schema> : never;

const byType = new Map<string, EventDefinition<z.ZodType>>(Object.values(Events).map((definition) => [definition.type, definition]));

export function eventDefinition(type: string): EventDefinition<z.ZodType> | undefined {
  return byType.get(type);
}
