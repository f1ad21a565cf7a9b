/**
 * The platform's commission, in integer arithmetic only. The rate is held in
 * basis points (1 bp = 0.01 %), so "0.10" is 1000; products go through BigInt
 * because amount × rate may pass 2^53.
 */
export const BASIS_POINTS_PER_UNIT = 10_000;

/** "0.10" → 1000. A fraction from 0 to 1 with at most four decimal places; anything else throws. */
export function parseCommissionRate(text: string): number {
  const match = /^(0|1)(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (match === null) throw new Error('must be a decimal fraction from 0 to 1 with at most four decimal places, e.g. 0.10');
  const basisPoints = Number(match[1]) * BASIS_POINTS_PER_UNIT + Number((match[2] ?? '').padEnd(4, '0'));
  if (basisPoints > BASIS_POINTS_PER_UNIT) throw new Error('must be at most 1 (100 %)');
  return basisPoints;
}

/** numerator / denominator rounded half up, for non-negative operands. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/** The commission on a capture: amount × rate, rounded half up to a whole minor unit. */
export function commissionOn(amount: number, basisPoints: number): number {
  assertMinorUnits(amount, 'amount');
  return Number(divideHalfUp(BigInt(amount) * BigInt(basisPoints), BigInt(BASIS_POINTS_PER_UNIT)));
}

export interface RefundShare {
  /** What the payment captured, and the commission fixed then. */
  captured: number;
  commission: number;
  /** Refunded and commission reversed before this refund. */
  refundedBefore: number;
  reversedBefore: number;
  /** This refund. */
  amount: number;
}

/**
 * The commission a refund gives back. Rounding is cumulative: after refunds
 * totalling R, the reversed commission is round(R × commission / captured),
 * so partial refunds never drift, each reversal lies between 0 and the refund
 * itself, and the refund that empties the payment takes the exact remainder.
 */
export function commissionReversal(share: RefundShare): number {
  const { captured, commission, refundedBefore, reversedBefore, amount } = share;
  assertMinorUnits(amount, 'amount');
  const refundedAfter = refundedBefore + amount;
  if (amount <= 0 || refundedAfter > captured)
    throw new RangeError(`a refund of ${amount} exceeds what is left of ${captured} after ${refundedBefore}`);
  if (refundedAfter === captured) return commission - reversedBefore;
  const reversedAfter = Number(divideHalfUp(BigInt(refundedAfter) * BigInt(commission), BigInt(captured)));
  return Math.min(amount, Math.max(0, reversedAfter - reversedBefore));
}

function assertMinorUnits(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of minor units, not ${value}`);
}
