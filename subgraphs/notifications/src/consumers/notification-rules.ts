import type { z } from 'zod';
import type { EventDefinition, EventHandler, HandlerContext, On } from '#kit';
import type { NotificationCategory, NotificationChannel } from '../database.js';
import type { TemplateKey } from '../templates/message-templates.js';
import type { Locale } from '../templates/template.js';
import {
  cancellationReason,
  formatDate,
  formatDistance,
  formatLocalDate,
  formatMoney,
  formatPeriod,
  orderRef,
  paymentFailure,
  roleName,
  severityName,
} from '../intake/message-format.js';
import { AlertEvents } from '../../../alerts/src/events/index.js';
import { AnalyticsEvents } from '../../../analytics/src/events/index.js';
import { CourierEvents } from '../../../couriers/src/events/index.js';
import { InvitationEvents } from '../../../invitations/src/events/index.js';
import { OrderEvents } from '../../../orders/src/events/index.js';
import { PaymentEvents } from '../../../payments/src/events/index.js';
import { VerificationEvents } from '../../../verification/src/events/index.js';

/** Someone an event should reach: a user, or an address the event itself gives (an invitee). */
export type Recipient = { userId: string } | { address: string; channel: NotificationChannel };

/** One message an event calls for, before it is rendered in the recipient's locale. */
export interface Intent {
  recipient: Recipient;
  category: NotificationCategory;
  template: TemplateKey;
  /** The channels a user is told on (preferences may remove some); ignored for an address recipient. */
  channels: readonly NotificationChannel[];
  values(locale: Locale): Record<string, string>;
}

const APP_AND_EMAIL: readonly NotificationChannel[] = ['IN_APP', 'EMAIL'];
const ON_THE_ROAD: readonly NotificationChannel[] = ['IN_APP', 'EMAIL', 'PUSH'];
/** Whoever is on call is reached everywhere. */
const ON_CALL: readonly NotificationChannel[] = ['IN_APP', 'EMAIL', 'SMS'];
/** A courier deciding on an offer is on the road: the phone, not the mailbox. */
const ON_THE_PHONE: readonly NotificationChannel[] = ['IN_APP', 'PUSH'];
/** A store has minutes to answer an order: every channel that reaches a shop counter. */
const ANSWER_NOW: readonly NotificationChannel[] = ['IN_APP', 'EMAIL', 'PUSH'];

/** What one event type calls for: the event's contract and the intents its data gives. */
export interface NotificationRule {
  readonly definition: EventDefinition;
  /** The intents an event's data (checked against the contract) calls for. */
  intentsOf(data: unknown): Intent[];
  /** The consumer's handler for the rule's event: `write` stores the intents in the consumer's transaction. */
  handler<Transaction>(
    on: On<Transaction>,
    write: (intents: Intent[], context: HandlerContext<Transaction>) => Promise<void>,
  ): EventHandler<Transaction>;
}

const rule = <Schema extends z.ZodType>(
  definition: EventDefinition<Schema>,
  intents: (data: z.output<Schema>) => Intent[],
): NotificationRule => ({
  definition,
  intentsOf: (data) => intents(definition.data.parse(data)),
  handler: (on, write) => on(definition, (data, context) => write(intents(data), context)),
});

/**
 * Which events a person should hear about, who hears, and in which category. Events not listed
 * (stock, locations, offers) are for services, not people.
 */
export const notificationRules: readonly NotificationRule[] = [
  rule(OrderEvents.created, (data) => {
    const values = (locale: Locale) => ({ orderRef: orderRef(data.orderId), total: formatMoney(data.totalAmount, data.currency, locale) });
    const customer: Intent = {
      recipient: { userId: data.customerId },
      category: 'ORDER',
      template: 'order.created.customer',
      channels: APP_AND_EMAIL,
      values,
    };
    // A store hears of its order once it is paid and waits for an answer (order.awaiting_acceptance), not before.
    if (data.storeId !== undefined) return [customer];
    return [
      customer,
      { recipient: { userId: data.supplierId }, category: 'ORDER', template: 'order.created.supplier', channels: APP_AND_EMAIL, values },
    ];
  }),
  rule(OrderEvents.awaitingAcceptance, (data) => [
    {
      recipient: { userId: data.supplierId },
      category: 'ORDER',
      template: 'order.awaiting_acceptance',
      channels: ANSWER_NOW,
      values: (locale) => ({
        orderRef: orderRef(data.orderId),
        total: formatMoney(data.totalAmount, data.currency, locale),
        deadline: formatDate(data.acceptBy, locale),
      }),
    },
  ]),
  rule(OrderEvents.accepted, (data) => [
    {
      recipient: { userId: data.customerId },
      category: 'ORDER',
      template: 'order.accepted',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ orderRef: orderRef(data.orderId), promisedBy: formatDate(data.promisedBy, locale) }),
    },
  ]),
  // The order.cancelled (STORE_REJECTED) that follows does not tell the customer again.
  rule(OrderEvents.rejected, (data) => [
    {
      recipient: { userId: data.customerId },
      category: 'ORDER',
      template: 'order.rejected',
      channels: APP_AND_EMAIL,
      values: () => ({ orderRef: orderRef(data.orderId), reason: data.reason.trim().replace(/[.!]+$/, '') }),
    },
  ]),
  rule(OrderEvents.emptiesShortfall, (data) => [
    {
      recipient: { userId: data.customerId },
      category: 'PAYMENT',
      template: 'order.empties_shortfall',
      channels: APP_AND_EMAIL,
      values: (locale) => ({
        orderRef: orderRef(data.orderId),
        missing: String(data.lines.reduce((sum, line) => sum + Math.max(0, line.expected - line.collected), 0)),
        amount: formatMoney(data.chargeAmount, data.currency, locale),
      }),
    },
  ]),
  rule(VerificationEvents.licenceApproved, (data) => [
    {
      recipient: { userId: data.userId },
      category: 'ACCOUNT',
      template: 'licence.approved',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ authorizationNumber: data.authorizationNumber, validUntil: formatLocalDate(data.validUntil, locale) }),
    },
  ]),
  // An order placed with a store was accepted first, and order.accepted told the customer with the promise.
  rule(OrderEvents.confirmed, (data) =>
    data.promisedBy !== undefined
      ? []
      : [
          {
            recipient: { userId: data.customerId },
            category: 'ORDER',
            template: 'order.confirmed',
            channels: APP_AND_EMAIL,
            values: () => ({ orderRef: orderRef(data.orderId) }),
          },
        ],
  ),
  rule(CourierEvents.offered, (data) => [
    {
      recipient: { userId: data.courierId },
      category: 'DELIVERY',
      template: 'courier.offered',
      channels: ON_THE_PHONE,
      values: (locale) => ({
        orderRef: orderRef(data.orderId),
        distance: formatDistance(data.distanceMeters, locale),
        deadline: formatDate(data.expiresAt, locale),
      }),
    },
  ]),
  // The customer hears of the courier on delivery.code_issued, told where to read the code.
  rule(CourierEvents.assigned, (data) => [
    {
      recipient: { userId: data.supplierId },
      category: 'DELIVERY',
      template: 'courier.assigned',
      channels: APP_AND_EMAIL,
      values: () => ({ orderRef: orderRef(data.orderId) }),
    },
  ]),
  rule(CourierEvents.deliveryCodeIssued, (data) => [
    {
      recipient: { userId: data.customerId },
      category: 'DELIVERY',
      template: 'delivery.code',
      channels: ON_THE_ROAD,
      values: () => ({ orderRef: orderRef(data.orderId) }),
    },
  ]),
  rule(CourierEvents.notFound, (data) =>
    [data.customerId, data.supplierId].map((userId): Intent => ({
      recipient: { userId },
      category: 'DELIVERY',
      template: 'courier.not_found',
      channels: APP_AND_EMAIL,
      values: () => ({ orderRef: orderRef(data.orderId) }),
    })),
  ),
  rule(OrderEvents.inTransit, (data) => [
    {
      recipient: { userId: data.customerId },
      category: 'DELIVERY',
      template: 'order.in_transit',
      channels: ON_THE_ROAD,
      values: () => ({ orderRef: orderRef(data.orderId) }),
    },
  ]),
  rule(OrderEvents.delivered, (data) => [
    {
      recipient: { userId: data.customerId },
      category: 'DELIVERY',
      template: 'order.delivered',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ orderRef: orderRef(data.orderId), total: formatMoney(data.totalAmount, data.currency, locale) }),
    },
  ]),
  rule(OrderEvents.cancelled, (data) => {
    const values = (locale: Locale) => ({ orderRef: orderRef(data.orderId), reason: cancellationReason(data.reasonCode, locale) });
    if (data.reasonCode === 'STORE_DID_NOT_ANSWER')
      return [
        { userId: data.customerId, template: 'order.unanswered.customer' as const },
        { userId: data.supplierId, template: 'order.unanswered.supplier' as const },
      ].map(({ userId, template }): Intent => ({ recipient: { userId }, category: 'ORDER', template, channels: APP_AND_EMAIL, values }));
    // Whoever cancelled knows already; the other party is told (a customer the store turned down heard it from order.rejected).
    return [data.customerId, data.supplierId]
      .filter((userId) => userId !== data.cancelledBy && !(data.reasonCode === 'STORE_REJECTED' && userId === data.customerId))
      .map((userId): Intent => ({
        recipient: { userId },
        category: 'ORDER',
        template: 'order.cancelled',
        channels: APP_AND_EMAIL,
        values,
      }));
  }),
  rule(PaymentEvents.processed, (data) => [
    {
      recipient: { userId: data.customerId },
      category: 'PAYMENT',
      template: 'payment.processed',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ orderRef: orderRef(data.orderId), amount: formatMoney(data.amount, data.currency, locale) }),
    },
  ]),
  rule(PaymentEvents.failed, (data) => [
    {
      recipient: { userId: data.customerId },
      category: 'PAYMENT',
      template: 'payment.failed',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ orderRef: orderRef(data.orderId), reason: paymentFailure(data.reasonCode, locale) }),
    },
  ]),
  rule(PaymentEvents.refundProcessed, (data) => [
    {
      recipient: { userId: data.customerId },
      category: 'PAYMENT',
      template: 'refund.processed',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ orderRef: orderRef(data.orderId), amount: formatMoney(data.amount, data.currency, locale) }),
    },
  ]),
  // Alerts name the admins of the escalation level reached; each hears of it, whoever they are.
  rule(AlertEvents.escalated, (data) =>
    [...new Set(data.recipientUserIds)].map((userId): Intent => ({
      recipient: { userId },
      category: 'OPERATIONS',
      template: 'alert.escalated',
      channels: ON_CALL,
      values: (locale) => ({
        severity: severityName(data.severity, locale),
        ruleName: data.ruleName,
        summary: data.summary,
        level: String(data.level),
      }),
    })),
  ),
  rule(AnalyticsEvents.reportGenerated, (data) => [
    {
      recipient: { userId: data.requestedBy },
      category: 'OPERATIONS',
      template: 'report.generated',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ kind: data.kind, period: formatPeriod(data.periodStart, data.periodEnd, locale) }),
    },
  ]),
  rule(InvitationEvents.created, (data) =>
    data.recipient.length === 0
      ? []
      : [
          {
            recipient: { address: data.recipient, channel: data.channel },
            category: 'ACCOUNT',
            template: 'invitation.created',
            channels: [data.channel],
            values: (locale) => ({ role: roleName(data.role, locale), code: data.code, expiresAt: formatDate(data.expiresAt, locale) }),
          },
        ],
  ),
];
