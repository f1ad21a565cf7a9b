import { randomBytes, randomUUID } from 'node:crypto';
import { Prisma, type PaymentsDatabase } from '../database.js';
import type { SandboxProviderTransaction as SandboxRow } from '../generated/prisma/client.js';
import { pixCopyAndPasteCode } from './pix-code.js';
import {
  ProviderUnavailableError,
  type ChargeLookup,
  type ChargeReferenceDetails,
  type ChargeRequest,
  type ChargeResult,
  type DeclineCode,
  type PaymentProvider,
  type ProviderTransaction,
  type RefundRequest,
  type RefundResult,
} from './payment-provider.js';

/** The sandbox's documented test card tokens (docs/payments.md). */
export const SandboxCardToken = {
  /** Captured at once. */
  SUCCESS: 'tok_success',
  /** Declined by the issuer. */
  DECLINE: 'tok_decline',
  INSUFFICIENT_FUNDS: 'tok_insufficient_funds',
  /** Captured, but the answer never arrives: the call throws after the capture is recorded. */
  TIMEOUT: 'tok_timeout',
  /** The request never reaches the provider: the call throws and nothing is recorded. */
  UNREACHABLE: 'tok_unreachable',
} as const;

const declineReasons: Readonly<Record<DeclineCode, string>> = {
  DECLINED: 'The card was declined by its issuer.',
  INSUFFICIENT_FUNDS: 'The card has insufficient funds for this amount.',
};

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * A deterministic stand-in for an external payment provider. Its books are
 * the sandbox_provider_transactions table, written only here and always in
 * transactions of its own (never the caller's), as a real provider's would be:
 * reconciliation can then catch our ledger disagreeing with it.
 *
 * Pix charges wait for a payer; settleDuePix() plays the payer, paying every
 * code that has waited long enough and was not withdrawn.
 */
export class SandboxProvider implements PaymentProvider {
  constructor(private readonly database: PaymentsDatabase) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (request.method === 'CARD' && request.cardToken === SandboxCardToken.UNREACHABLE) {
      throw new ProviderUnavailableError('sandbox: the charge never reached the provider (tok_unreachable)');
    }
    const row = await this.recordOnce(request.reference, () => this.newCharge(request));
    if (request.method === 'CARD' && request.cardToken === SandboxCardToken.TIMEOUT) {
      throw new ProviderUnavailableError('sandbox: the charge was captured but its answer timed out (tok_timeout)');
    }
    return chargeResult(row);
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const row = await this.recordOnce(request.reference, () =>
      this.database.$transaction(async (transaction) => {
        // Serialises refunds of one charge, so together they never exceed it.
        const [charge] = await transaction.$queryRaw<Array<{ id: string; amount: number; status: string; kind: string }>>`
          select id::text as id, amount, status::text as status, kind::text as kind
          from sandbox_provider_transactions where provider_reference = ${request.chargeReference} for update`;
        const refused = (reason: string) => this.refundRow(transaction, request, charge?.id ?? null, 'REFUSED', reason);
        if (charge === undefined || charge.kind !== 'CHARGE' || charge.status !== 'CAPTURED')
          return refused('no captured charge with this reference');
        const [{ refunded }] = (await transaction.$queryRaw<Array<{ refunded: bigint }>>`
          select coalesce(sum(amount), 0)::bigint as refunded from sandbox_provider_transactions
          where charge_id = ${charge.id}::uuid and kind = 'REFUND' and status = 'REFUNDED'`) as [{ refunded: bigint }];
        const left = charge.amount - Number(refunded);
        if (request.amount > left) return refused(`only ${left} of the charge is left to refund`);
        return this.refundRow(transaction, request, charge.id, 'REFUNDED', null);
      }),
    );
    if (row.status === 'REFUNDED' && row.settledAt !== null)
      return { status: 'REFUNDED', providerReference: row.providerReference, refundedAt: row.settledAt };
    return { status: 'REFUSED', reason: row.refusal ?? 'refused' };
  }

  async lookup(reference: string): Promise<ChargeLookup> {
    const row = await this.database.sandboxProviderTransaction.findUnique({ where: { reference } });
    return row === null || row.kind !== 'CHARGE' ? { status: 'NOT_FOUND' } : chargeResult(row);
  }

  async withdraw(charge: ChargeReferenceDetails): Promise<ChargeResult> {
    // A reference never seen is recorded as withdrawn: the request carrying it, should it still arrive, finds it so.
    const row = await this.recordOnce(charge.reference, () =>
      this.database.sandboxProviderTransaction.create({ data: { ...this.chargeColumns(charge), status: 'CANCELLED' } }),
    );
    if (row.status !== 'PENDING') return chargeResult(row);
    await this.database.sandboxProviderTransaction.updateMany({ where: { id: row.id, status: 'PENDING' }, data: { status: 'CANCELLED' } });
    return chargeResult(await this.database.sandboxProviderTransaction.findUniqueOrThrow({ where: { id: row.id } }));
  }

  async listTransactions(from: Date, to: Date): Promise<ProviderTransaction[]> {
    const rows = await this.database.sandboxProviderTransaction.findMany({
      where: {
        settledAt: { gte: from, lt: to },
        OR: [
          { kind: 'CHARGE', status: 'CAPTURED' },
          { kind: 'REFUND', status: 'REFUNDED' },
        ],
      },
      orderBy: { settledAt: 'asc' },
    });
    return rows.map((row) => ({
      providerReference: row.providerReference,
      reference: row.reference,
      paymentId: row.paymentId,
      kind: row.kind === 'CHARGE' ? 'CAPTURE' : 'REFUND',
      amount: row.amount,
      currency: row.currency,
      settledAt: row.settledAt!,
    }));
  }

  /** The simulated payer: pays every Pix code pending for at least `ageSeconds`. Returns their references. */
  async settleDuePix(ageSeconds: number): Promise<string[]> {
    const rows = await this.database.$queryRaw<Array<{ reference: string }>>`
      update sandbox_provider_transactions set status = 'CAPTURED', settled_at = now()
      where kind = 'CHARGE' and status = 'PENDING' and created_at <= now() - make_interval(secs => ${ageSeconds})
      returning reference`;
    return rows.map((row) => row.reference);
  }

  /** The provider acts once per reference: a repeated request gets the first one's record. */
  private async recordOnce(reference: string, create: () => Promise<SandboxRow>): Promise<SandboxRow> {
    const existing = await this.database.sandboxProviderTransaction.findUnique({ where: { reference } });
    if (existing !== null) return existing;
    try {
      return await create();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.database.sandboxProviderTransaction.findUniqueOrThrow({ where: { reference } });
    }
  }

  private chargeColumns(charge: ChargeReferenceDetails) {
    return {
      id: randomUUID(),
      providerReference: `sbx_ch_${randomBytes(12).toString('hex')}`,
      reference: charge.reference,
      kind: 'CHARGE' as const,
      paymentId: charge.paymentId,
      method: charge.method,
      amount: charge.amount,
      currency: charge.currency,
    };
  }

  private newCharge(request: ChargeRequest): Promise<SandboxRow> {
    const base = this.chargeColumns(request);
    const decline = (code: DeclineCode | string) =>
      this.database.sandboxProviderTransaction.create({ data: { ...base, status: 'DECLINED', refusal: code } });
    if (request.method === 'PIX') {
      if (request.currency !== 'BRL') return decline('DECLINED');
      return this.database.sandboxProviderTransaction.create({
        data: { ...base, status: 'PENDING', pixCode: pixCopyAndPasteCode(request.amount, request.reference) },
      });
    }
    switch (request.cardToken) {
      case SandboxCardToken.SUCCESS:
      case SandboxCardToken.TIMEOUT:
        return this.database.sandboxProviderTransaction.create({ data: { ...base, status: 'CAPTURED', settledAt: new Date() } });
      case SandboxCardToken.INSUFFICIENT_FUNDS:
        return decline('INSUFFICIENT_FUNDS');
      default:
        // tok_decline, and any token the sandbox does not know, as a real provider declines a bad one.
        return decline('DECLINED');
    }
  }

  private refundRow(
    transaction: Prisma.TransactionClient,
    request: RefundRequest,
    chargeId: string | null,
    status: 'REFUNDED' | 'REFUSED',
    reason: string | null,
  ) {
    return transaction.sandboxProviderTransaction.create({
      data: {
        id: randomUUID(),
        providerReference: `sbx_re_${randomBytes(12).toString('hex')}`,
        reference: request.reference,
        kind: 'REFUND',
        status,
        paymentId: request.paymentId,
        method: 'REFUND',
        amount: request.amount,
        currency: request.currency,
        chargeId,
        refusal: reason,
        settledAt: status === 'REFUNDED' ? new Date() : null,
      },
    });
  }
}

function chargeResult(row: SandboxRow): ChargeResult {
  switch (row.status) {
    case 'CAPTURED':
      return {
        status: 'CAPTURED',
        providerReference: row.providerReference,
        amount: row.amount,
        capturedAt: row.settledAt ?? row.createdAt,
      };
    case 'PENDING':
      return { status: 'AWAITING_CONFIRMATION', providerReference: row.providerReference, pixCode: row.pixCode ?? '' };
    case 'CANCELLED':
      return { status: 'CANCELLED', providerReference: row.providerReference };
    default: {
      const code: DeclineCode = row.refusal === 'INSUFFICIENT_FUNDS' ? 'INSUFFICIENT_FUNDS' : 'DECLINED';
      return { status: 'DECLINED', providerReference: row.providerReference, code, reason: declineReasons[code] };
    }
  }
}
