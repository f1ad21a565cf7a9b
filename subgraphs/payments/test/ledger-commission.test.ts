import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commissionOn, commissionReversal, parseCommissionRate } from '../src/ledger/commission.js';
import { captureEntries, refundEntries } from '../src/ledger/ledger-entries.js';

const sum = (lines: Array<{ direction: string; amount: number }>, direction: string) =>
  lines.filter((line) => line.direction === direction).reduce((total, line) => total + line.amount, 0);

describe('the commission rate setting', () => {
  it('reads decimal fractions as basis points', () => {
    expect(parseCommissionRate('0.10')).toBe(1000);
    expect(parseCommissionRate('0.1')).toBe(1000);
    expect(parseCommissionRate('0.125')).toBe(1250);
    expect(parseCommissionRate('0.0001')).toBe(1);
    expect(parseCommissionRate('0')).toBe(0);
    expect(parseCommissionRate('1')).toBe(10_000);
    expect(parseCommissionRate('1.0000')).toBe(10_000);
  });

  it('refuses rates it could not apply exactly, or that make no sense', () => {
    for (const text of ['0.00005', '1.5', '-0.1', '10%', '.1', '0,10', '', 'abc', '2']) {
      expect(() => parseCommissionRate(text), text).toThrow();
    }
  });
});

describe('the commission on a capture', () => {
  it('rounds half up to a whole centavo', () => {
    expect(commissionOn(11_000, 1000)).toBe(1_100);
    expect(commissionOn(5, 1000)).toBe(1); // 0.5 → 1
    expect(commissionOn(4, 1000)).toBe(0); // 0.4 → 0
    expect(commissionOn(15, 1000)).toBe(2); // 1.5 → 2
    expect(commissionOn(14, 1000)).toBe(1);
    expect(commissionOn(1, 5000)).toBe(1); // 0.5 → 1
    expect(commissionOn(3, 3333)).toBe(1); // 0.9999 → 1
  });

  it('stays exact for the largest amounts, where a float product would not', () => {
    expect(commissionOn(2_147_483_647, 1000)).toBe(214_748_365); // 214748364.7 → …365
    expect(commissionOn(2_147_483_647, 10_000)).toBe(2_147_483_647);
    expect(commissionOn(2_147_483_647, 1)).toBe(214_748); // 214748.3647
  });
});

describe('the commission a refund reverses', () => {
  it('is proportional, and the refund that empties the payment takes the exact remainder', () => {
    // Captured 30 with a commission of 3: three refunds of 10 reverse 1 each.
    let reversed = 0;
    let refunded = 0;
    for (const amount of [10, 10, 10]) {
      const reversal = commissionReversal({ captured: 30, commission: 3, refundedBefore: refunded, reversedBefore: reversed, amount });
      expect(reversal).toBe(1);
      reversed += reversal;
      refunded += amount;
    }
    expect(reversed).toBe(3);
  });

  it('does not drift when each partial share would round the same way', () => {
    // 7 refunds of 4 out of 30 (commission 3): each share is 0.4, so per-refund rounding would reverse nothing
    // and leave 3 for a final refund of 2. Cumulative rounding spreads it instead.
    let reversed = 0;
    let refunded = 0;
    for (const amount of [4, 4, 4, 4, 4, 4, 4, 2]) {
      const reversal = commissionReversal({ captured: 30, commission: 3, refundedBefore: refunded, reversedBefore: reversed, amount });
      expect(reversal).toBeGreaterThanOrEqual(0);
      expect(reversal).toBeLessThanOrEqual(amount);
      reversed += reversal;
      refunded += amount;
    }
    expect(reversed).toBe(3);
  });

  it('refuses a refund beyond what was captured', () => {
    expect(() => commissionReversal({ captured: 100, commission: 10, refundedBefore: 60, reversedBefore: 6, amount: 41 })).toThrow(
      RangeError,
    );
    expect(() => commissionReversal({ captured: 100, commission: 10, refundedBefore: 0, reversedBefore: 0, amount: 0 })).toThrow(
      RangeError,
    );
  });

  it('for any capture, rate and split into refunds: each reversal fits its refund, and all of them reverse the commission exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_147_483_647 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 12 }),
        (captured, basisPoints, weights) => {
          const commission = commissionOn(captured, basisPoints);
          // Split `captured` into refunds proportional to the weights, the last taking the rest.
          const total = weights.reduce((a, b) => a + b, 0);
          const amounts: number[] = [];
          let left = captured;
          for (const weight of weights.slice(0, -1)) {
            const amount = Math.min(left - 1, Math.max(1, Math.floor((captured * weight) / total)));
            if (amount >= 1) {
              amounts.push(amount);
              left -= amount;
            }
          }
          amounts.push(left);
          let reversed = 0;
          let refunded = 0;
          for (const amount of amounts) {
            const reversal = commissionReversal({ captured, commission, refundedBefore: refunded, reversedBefore: reversed, amount });
            expect(reversal).toBeGreaterThanOrEqual(0);
            expect(reversal).toBeLessThanOrEqual(amount);
            const lines = refundEntries(amount, reversal, 'PROVIDER_CLEARING');
            expect(sum(lines, 'DEBIT')).toBe(sum(lines, 'CREDIT'));
            reversed += reversal;
            refunded += amount;
          }
          expect(refunded).toBe(captured);
          expect(reversed).toBe(commission);
        },
      ),
    );
  });
});

describe('ledger entries', () => {
  it('of a capture: the clearing account debited, the supplier and the platform credited', () => {
    expect(captureEntries(11_000, 1_100, 'PROVIDER_CLEARING')).toEqual([
      { account: 'PROVIDER_CLEARING', direction: 'DEBIT', amount: 11_000 },
      { account: 'SUPPLIER_PAYABLE', direction: 'CREDIT', amount: 9_900 },
      { account: 'PLATFORM_COMMISSION', direction: 'CREDIT', amount: 1_100 },
    ]);
  });

  it('of a refund: the mirror image', () => {
    expect(refundEntries(5_000, 500, 'CASH_COLLECTED')).toEqual([
      { account: 'SUPPLIER_PAYABLE', direction: 'DEBIT', amount: 4_500 },
      { account: 'PLATFORM_COMMISSION', direction: 'DEBIT', amount: 500 },
      { account: 'CASH_COLLECTED', direction: 'CREDIT', amount: 5_000 },
    ]);
  });

  it('leave out lines of zero, which the database refuses', () => {
    expect(captureEntries(4, 0, 'PROVIDER_CLEARING')).toHaveLength(2);
    expect(refundEntries(7, 7, 'PROVIDER_CLEARING')).toEqual([
      { account: 'PLATFORM_COMMISSION', direction: 'DEBIT', amount: 7 },
      { account: 'PROVIDER_CLEARING', direction: 'CREDIT', amount: 7 },
    ]);
  });
});
