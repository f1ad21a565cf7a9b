import { appError, ErrorCode } from '#kit';

/**
 * Not opened yet, someone else's, or no such order: one answer for all three,
 * so nobody learns which orders exist. Payments open a moment after the order
 * (when order.created arrives), hence the advice to retry.
 */
export const paymentNotOpen = () =>
  appError(
    ErrorCode.NOT_FOUND,
    'No payment is open for this order: the order does not exist, is not yours, or was placed moments ago and its payment is not ready yet (retry shortly).',
  );

/** Why a payment cannot be paid now, in `extensions.reason`. */
export const PaymentConflict = {
  ORDER_CANCELLED: 'ORDER_CANCELLED',
  ALREADY_PAID: 'ALREADY_PAID',
  PAYMENT_IN_PROGRESS: 'PAYMENT_IN_PROGRESS',
  CASH_ON_DELIVERY: 'CASH_ON_DELIVERY',
  NOTHING_TO_REFUND: 'NOTHING_TO_REFUND',
  REFUND_EXCEEDS_REFUNDABLE: 'REFUND_EXCEEDS_REFUNDABLE',
} as const;

export type PaymentConflict = (typeof PaymentConflict)[keyof typeof PaymentConflict];

export const paymentConflict = (reason: PaymentConflict, message: string, extensions: Record<string, unknown> = {}) =>
  appError(ErrorCode.CONFLICT, message, { ...extensions, reason });
