import { invalidInput, isUuid, type FieldProblem } from '#kit';
import { idempotencyKeyProblem } from '../idempotency/idempotency-key.js';
import type { Payment } from './payment-store.js';

export interface PayOrderInput {
  orderId: string;
  idempotencyKey: string;
  card?: { token: string } | null;
}

const MAX_TOKEN_LENGTH = 200;

/** Checks the input's shape, reporting every problem at once. */
export function validatePayOrderInput(input: PayOrderInput): void {
  const problems: FieldProblem[] = [];
  if (!isUuid(input.orderId)) problems.push({ field: 'input.orderId', message: 'is not an order id' });
  const keyProblem = idempotencyKeyProblem(input.idempotencyKey, 'input.idempotencyKey');
  if (keyProblem !== null) problems.push(keyProblem);
  const token = input.card?.token;
  if (token !== undefined && (token.length < 1 || token.length > MAX_TOKEN_LENGTH)) {
    problems.push({ field: 'input.card.token', message: `must be 1 to ${MAX_TOKEN_LENGTH} characters` });
  }
  if (problems.length > 0) throw invalidInput(problems);
}

/** A card is how card payments pay and nothing else does. */
export function validateInstrument(payment: Payment, input: PayOrderInput): void {
  if (payment.method === 'CARD' && !input.card) {
    throw invalidInput([
      { field: 'input.card', message: 'is required: this order is paid by card (pass the token from card tokenisation)' },
    ]);
  }
  if (payment.method === 'PIX' && input.card) {
    throw invalidInput([{ field: 'input.card', message: 'must be left out: this order is paid by Pix' }]);
  }
}
