import { invalidInput, isUuid, type FieldProblem } from '#kit';
import { idempotencyKeyProblem } from '../idempotency/idempotency-key.js';
import { isValidAmount, MAX_AMOUNT } from '../payments/amounts.js';

export interface RefundPaymentInput {
  paymentId: string;
  amount?: number | null;
  reason: string;
  idempotencyKey: string;
}

export interface RefundRequest {
  paymentId: string;
  /** Absent: everything still refundable. */
  amount: number | undefined;
  reason: string;
  idempotencyKey: string;
}

const MAX_REASON_LENGTH = 500;

/** Checks every field, reporting every problem at once. */
export function validateRefundInput(input: RefundPaymentInput): RefundRequest {
  const problems: FieldProblem[] = [];
  if (!isUuid(input.paymentId)) problems.push({ field: 'input.paymentId', message: 'is not a payment id' });
  if (input.amount !== undefined && input.amount !== null && !isValidAmount(input.amount)) {
    problems.push({
      field: 'input.amount',
      message: `must be a whole number of minor units from 1 to ${MAX_AMOUNT}; leave it out to refund everything left`,
    });
  }
  const reason = input.reason.trim().replace(/\s+/g, ' ');
  if (reason.length < 1 || reason.length > MAX_REASON_LENGTH)
    problems.push({ field: 'input.reason', message: `must be 1 to ${MAX_REASON_LENGTH} characters` });
  const keyProblem = idempotencyKeyProblem(input.idempotencyKey, 'input.idempotencyKey');
  if (keyProblem !== null) problems.push(keyProblem);
  if (problems.length > 0) throw invalidInput(problems);
  return { paymentId: input.paymentId, amount: input.amount ?? undefined, reason, idempotencyKey: input.idempotencyKey };
}
