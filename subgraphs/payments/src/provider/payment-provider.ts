/**
 * The port every payment provider sits behind. Each request carries the
 * merchant's `reference` (our attempt or refund id), which the provider
 * treats as an idempotency key: the same reference never moves money twice,
 * and lookup() finds what became of it when an answer was lost.
 */
export interface PaymentProvider {
  /** Charges a card, or opens a Pix charge for the payer. Throws ProviderUnavailableError when no answer came. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Returns money from a captured charge. Throws ProviderUnavailableError when no answer came. */
  refund(request: RefundRequest): Promise<RefundResult>;
  /** What became of the charge made with this reference. */
  lookup(reference: string): Promise<ChargeLookup>;
  /**
   * Makes sure the charge with this reference can no longer capture: an
   * unpaid Pix code is withdrawn, and a reference the provider has not seen is
   * blocked, so a request still on its way is refused when it arrives. Answers
   * what the charge is now: CANCELLED, or whatever it became first (CAPTURED
   * when the payer or the late request was quicker).
   */
  withdraw(charge: ChargeReferenceDetails): Promise<ChargeResult>;
  /** Money that moved in [from, to): captures and refunds, by when they settled. */
  listTransactions(from: Date, to: Date): Promise<ProviderTransaction[]>;
}

export type ChargeMethod = 'CARD' | 'PIX';

export interface ChargeRequest {
  reference: string;
  /** Kept by the provider as metadata and reported back by listTransactions. */
  paymentId: string;
  method: ChargeMethod;
  amount: number;
  currency: string;
  /** The card token, for CARD. */
  cardToken?: string;
}

/** A charge as withdraw() needs to name it (the card token is not needed to refuse it). */
export type ChargeReferenceDetails = Omit<ChargeRequest, 'cardToken'>;

export type DeclineCode = 'DECLINED' | 'INSUFFICIENT_FUNDS';

export type ChargeResult =
  | { status: 'CAPTURED'; providerReference: string; amount: number; capturedAt: Date }
  | { status: 'AWAITING_CONFIRMATION'; providerReference: string; pixCode: string }
  | { status: 'DECLINED'; providerReference: string; code: DeclineCode; reason: string }
  /** Withdrawn (see withdraw()) before it could capture. */
  | { status: 'CANCELLED'; providerReference: string };

export type ChargeLookup = ChargeResult | { status: 'NOT_FOUND' };

export interface RefundRequest {
  reference: string;
  paymentId: string;
  /** The provider's reference of the captured charge. */
  chargeReference: string;
  amount: number;
  currency: string;
}

export type RefundResult = { status: 'REFUNDED'; providerReference: string; refundedAt: Date } | { status: 'REFUSED'; reason: string };

export interface ProviderTransaction {
  providerReference: string;
  reference: string;
  paymentId: string;
  kind: 'CAPTURE' | 'REFUND';
  amount: number;
  currency: string;
  settledAt: Date;
}

/**
 * The provider did not answer (a timeout, a broken connection). Whether it
 * acted is unknown: the caller must find out with lookup(), never assume.
 */
export class ProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}
