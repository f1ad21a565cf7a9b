import { Events, type EventData } from '#kit';
import type { NotificationCategory, NotificationChannel } from '../database.js';
import type { TemplateKey } from '../templates/message-templates.js';
import type { Locale } from '../templates/template.js';
import { cancellationReason, formatDate, formatDistance, formatMoney, formatPeriod, orderRef, paymentFailure, roleName, severityName } from './message-format.js';

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

type Rule = (data: any) => Intent[];

/**
 * Which events a person should hear about, who hears, and in which category. Events not listed
 * (stock, locations, offers) are for services, not people.
 */
export const notificationRules: Readonly<Record<string, Rule>> = {
  [Events.orderCreated.type]: (data: EventData<typeof Events.orderCreated>) => {
    const values = (locale: Locale) => ({ orderRef: orderRef(data.orderId), total: formatMoney(data.totalAmount, data.currency, locale) });
    return [
      { recipient: { userId: data.customerId }, category: 'ORDER', template: 'order.created.customer', channels: APP_AND_EMAIL, values },
      { recipient: { userId: data.supplierId }, category: 'ORDER', template: 'order.created.supplier', channels: APP_AND_EMAIL, values },
    ];
  },
  [Events.orderConfirmed.type]: (data: EventData<typeof Events.orderConfirmed>) => [
    { recipient: { userId: data.customerId }, category: 'ORDER', template: 'order.confirmed', channels: APP_AND_EMAIL, values: () => ({ orderRef: orderRef(data.orderId) }) },
  ],
  [Events.courierOffered.type]: (data: EventData<typeof Events.courierOffered>) => [
    {
      recipient: { userId: data.courierId },
      category: 'DELIVERY',
      template: 'courier.offered',
      channels: ON_THE_PHONE,
      values: (locale) => ({ orderRef: orderRef(data.orderId), distance: formatDistance(data.distanceMeters, locale), deadline: formatDate(data.expiresAt, locale) }),
    },
  ],
  // The customer hears of the courier on delivery.code_issued, told where to read the code.
  [Events.courierAssigned.type]: (data: EventData<typeof Events.courierAssigned>) => [
    { recipient: { userId: data.supplierId }, category: 'DELIVERY', template: 'courier.assigned', channels: APP_AND_EMAIL, values: () => ({ orderRef: orderRef(data.orderId) }) },
  ],
  [Events.deliveryCodeIssued.type]: (data: EventData<typeof Events.deliveryCodeIssued>) => [
    {
      recipient: { userId: data.customerId },
      category: 'DELIVERY',
      template: 'delivery.code',
      channels: ON_THE_ROAD,
      values: () => ({ orderRef: orderRef(data.orderId) }),
    },
  ],
  [Events.courierNotFound.type]: (data: EventData<typeof Events.courierNotFound>) =>
    [data.customerId, data.supplierId].map(
      (userId): Intent => ({ recipient: { userId }, category: 'DELIVERY', template: 'courier.not_found', channels: APP_AND_EMAIL, values: () => ({ orderRef: orderRef(data.orderId) }) }),
    ),
  [Events.orderInTransit.type]: (data: EventData<typeof Events.orderInTransit>) => [
    { recipient: { userId: data.customerId }, category: 'DELIVERY', template: 'order.in_transit', channels: ON_THE_ROAD, values: () => ({ orderRef: orderRef(data.orderId) }) },
  ],
  [Events.orderDelivered.type]: (data: EventData<typeof Events.orderDelivered>) => [
    {
      recipient: { userId: data.customerId },
      category: 'DELIVERY',
      template: 'order.delivered',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ orderRef: orderRef(data.orderId), total: formatMoney(data.totalAmount, data.currency, locale) }),
    },
  ],
  [Events.orderCancelled.type]: (data: EventData<typeof Events.orderCancelled>) => {
    const values = (locale: Locale) => ({ orderRef: orderRef(data.orderId), reason: cancellationReason(data.reasonCode, locale) });
    // Whoever cancelled knows already; the other party is told.
    return [data.customerId, data.supplierId]
      .filter((userId) => userId !== data.cancelledBy)
      .map((userId): Intent => ({ recipient: { userId }, category: 'ORDER', template: 'order.cancelled', channels: APP_AND_EMAIL, values }));
  },
  [Events.paymentProcessed.type]: (data: EventData<typeof Events.paymentProcessed>) => [
    {
      recipient: { userId: data.customerId },
      category: 'PAYMENT',
      template: 'payment.processed',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ orderRef: orderRef(data.orderId), amount: formatMoney(data.amount, data.currency, locale) }),
    },
  ],
  [Events.paymentFailed.type]: (data: EventData<typeof Events.paymentFailed>) => [
    {
      recipient: { userId: data.customerId },
      category: 'PAYMENT',
      template: 'payment.failed',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ orderRef: orderRef(data.orderId), reason: paymentFailure(data.reasonCode, locale) }),
    },
  ],
  [Events.refundProcessed.type]: (data: EventData<typeof Events.refundProcessed>) => [
    {
      recipient: { userId: data.customerId },
      category: 'PAYMENT',
      template: 'refund.processed',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ orderRef: orderRef(data.orderId), amount: formatMoney(data.amount, data.currency, locale) }),
    },
  ],
  // Alerts name the admins of the escalation level reached; each hears of it, whoever they are.
  [Events.alertEscalated.type]: (data: EventData<typeof Events.alertEscalated>) =>
    [...new Set(data.recipientUserIds)].map(
      (userId): Intent => ({
        recipient: { userId },
        category: 'OPERATIONS',
        template: 'alert.escalated',
        channels: ON_CALL,
        values: (locale) => ({ severity: severityName(data.severity, locale), ruleName: data.ruleName, summary: data.summary, level: String(data.level) }),
      }),
    ),
  [Events.reportGenerated.type]: (data: EventData<typeof Events.reportGenerated>) => [
    {
      recipient: { userId: data.requestedBy },
      category: 'OPERATIONS',
      template: 'report.generated',
      channels: APP_AND_EMAIL,
      values: (locale) => ({ kind: data.kind, period: formatPeriod(data.periodStart, data.periodEnd, locale) }),
    },
  ],
  [Events.invitationCreated.type]: (data: EventData<typeof Events.invitationCreated>) =>
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
};
