import { z } from 'zod';
import { defineEvent, eventTime } from '#kit';
import { currencySchema, moneySchema, paymentMethodSchema } from '../../../orders/src/events/index.js';

export const PAYMENT_TOPIC = 'payment.events';

/** Keyed by the order the payment is for: the saga reads them in order with its stock outcome. */
const payment = { topic: PAYMENT_TOPIC, version: 1, producer: 'payments', key: 'orderId' } as const;

export const PaymentEvents = {
  processed: defineEvent({
    ...payment,
    type: 'payment.processed',
    data: z.object({
      paymentId: z.uuid(),
      orderId: z.uuid(),
      customerId: z.uuid(),
      supplierId: z.uuid(),
      amount: moneySchema,
      currency: currencySchema,
      method: paymentMethodSchema,
      providerReference: z.string(),
      capturedAt: eventTime,
    }),
  }),
  failed: defineEvent({
    ...payment,
    type: 'payment.failed',
    data: z.object({
      paymentId: z.uuid(),
      orderId: z.uuid(),
      customerId: z.uuid(),
      method: paymentMethodSchema,
      reasonCode: z.enum(['DECLINED', 'INSUFFICIENT_FUNDS', 'PROVIDER_ERROR', 'EXPIRED']),
      reason: z.string(),
      failedAt: eventTime,
    }),
  }),
  refundProcessed: defineEvent({
    ...payment,
    type: 'refund.processed',
    data: z.object({
      refundId: z.uuid(),
      paymentId: z.uuid(),
      orderId: z.uuid(),
      customerId: z.uuid(),
      amount: moneySchema,
      currency: currencySchema,
      /** Everything refunded on this payment so far, this refund included. */
      refundedTotal: moneySchema,
      capturedAmount: moneySchema,
      reason: z.string(),
      /** The admin who refunded; null for the automatic refund of a cancelled paid order. */
      initiatedBy: z.uuid().nullable(),
      processedAt: eventTime,
    }),
  }),
} as const;
