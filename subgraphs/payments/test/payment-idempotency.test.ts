import { describe, expect, it } from 'vitest';
import { idempotencyKeyProblem } from '../src/idempotency/idempotency-key.js';
import { requestHash } from '../src/idempotency/request-hash.js';

describe('the hash an idempotency key is bound to', () => {
  const orderId = '6f1c1f8e-2a57-4a52-9f0e-0d7c1a2b3c4d';

  it('is the same for the same parameters in any key order', () => {
    expect(requestHash('payOrder', { orderId, cardToken: 'tok_success' })).toBe(
      requestHash('payOrder', { cardToken: 'tok_success', orderId }),
    );
    expect(requestHash('payOrder', { orderId, card: { token: 't', brand: 'x' } })).toBe(
      requestHash('payOrder', { card: { brand: 'x', token: 't' }, orderId }),
    );
  });

  it('treats a parameter left out and one given as null alike', () => {
    expect(requestHash('refundPayment', { paymentId: orderId, amount: undefined, reason: 'r' })).toBe(
      requestHash('refundPayment', { paymentId: orderId, amount: null, reason: 'r' }),
    );
    expect(requestHash('refundPayment', { paymentId: orderId, reason: 'r' })).toBe(
      requestHash('refundPayment', { paymentId: orderId, amount: null, reason: 'r' }),
    );
  });

  it('differs when any parameter differs, including its type', () => {
    const base = requestHash('payOrder', { orderId, cardToken: 'tok_success' });
    expect(requestHash('payOrder', { orderId, cardToken: 'tok_decline' })).not.toBe(base);
    expect(requestHash('payOrder', { orderId })).not.toBe(base);
    expect(requestHash('refundPayment', { paymentId: orderId, amount: 100, reason: 'r' })).not.toBe(
      requestHash('refundPayment', { paymentId: orderId, amount: '100', reason: 'r' }),
    );
  });

  it('differs between operations, so one key cannot replay another operation’s answer', () => {
    expect(requestHash('payOrder', { id: orderId })).not.toBe(requestHash('refundPayment', { id: orderId }));
  });

  it('is hex SHA-256', () => {
    expect(requestHash('payOrder', { orderId })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('an idempotency key', () => {
  it('may be any 1 to 255 visible ASCII characters', () => {
    expect(idempotencyKeyProblem('7d0f2d4e-1111-4a0b-8c9d-0123456789ab', 'k')).toBeNull();
    expect(idempotencyKeyProblem('x', 'k')).toBeNull();
    expect(idempotencyKeyProblem('a'.repeat(255), 'k')).toBeNull();
  });

  it('may not be empty, too long, or hold spaces and other characters', () => {
    for (const key of ['', 'a'.repeat(256), 'two words', 'tab\there', 'ação']) {
      expect(idempotencyKeyProblem(key, 'input.idempotencyKey'), key).toMatchObject({ field: 'input.idempotencyKey' });
    }
  });
});
