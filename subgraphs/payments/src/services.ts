import type { Logger } from '#kit';
import type { PaymentsSettings } from './config.js';
import type { PaymentsDatabase } from './database.js';
import { IdempotentRequests } from './idempotency/idempotent-requests.js';
import { idempotencyStore, type IdempotencyStore } from './idempotency/idempotency-store.js';
import { ledgerStore, type LedgerStore } from './ledger/ledger-store.js';
import { AttemptResolution } from './payments/attempt-resolution.js';
import { attemptStore, type AttemptStore } from './payments/attempt-store.js';
import { ChargeOutcomes } from './payments/charge-outcome.js';
import { PayOrder } from './payments/pay-order.js';
import { paymentStore, type PaymentStore } from './payments/payment-store.js';
import { Settlement } from './payments/settlement.js';
import type { PaymentProvider } from './provider/payment-provider.js';
import { SandboxProvider } from './provider/sandbox-provider.js';
import { RefundDispatcher } from './refunds/refund-dispatch.js';
import { RefundService } from './refunds/refund-service.js';
import { refundStore, type RefundStore } from './refunds/refund-store.js';

export interface PaymentsDomain {
  payments: PaymentStore;
  attempts: AttemptStore;
  refunds: RefundStore;
  ledger: LedgerStore;
  provider: PaymentProvider;
  /** The built-in provider; its books are its own table in this database. */
  sandbox: SandboxProvider;
  settlement: Settlement;
  payOrder: PayOrder;
  refundService: RefundService;
  dispatcher: RefundDispatcher;
  resolution: AttemptResolution;
  idempotencyKeys: IdempotencyStore;
}

/**
 * Wires the payments domain over one database. Starts nothing: no server,
 * consumer or timer. The sandbox is the provider unless another is given
 * (tests wrap it to delay or break its answers).
 */
export function createPaymentsDomain(
  database: PaymentsDatabase,
  settings: PaymentsSettings,
  logger: Logger,
  options: { provider?: PaymentProvider } = {},
): PaymentsDomain {
  const payments = paymentStore(database);
  const attempts = attemptStore(database);
  const refunds = refundStore(database);
  const ledger = ledgerStore(database);
  const sandbox = new SandboxProvider(database);
  const provider = options.provider ?? sandbox;
  const attemptTimeoutMs = settings.attemptTimeoutSeconds * 1000;
  const idempotencyKeys = idempotencyStore(database);
  const idempotency = new IdempotentRequests(idempotencyKeys, {
    waitMs: settings.idempotencyWaitSeconds * 1000,
    // Longer than any request can legitimately hold a key: a provider call plus two short transactions.
    abandonAfterMs: 2 * attemptTimeoutMs + 60_000,
  });
  const settlement = new Settlement({ payments, refunds, ledger, commissionBasisPoints: settings.commissionBasisPoints });
  const outcomes = new ChargeOutcomes(payments, attempts, settlement);
  const dispatcher = new RefundDispatcher({ database, payments, refunds, settlement, provider, attemptTimeoutMs, logger });
  return {
    payments,
    attempts,
    refunds,
    ledger,
    provider,
    sandbox,
    settlement,
    dispatcher,
    idempotencyKeys,
    payOrder: new PayOrder({
      database,
      payments,
      attempts,
      outcomes,
      provider,
      idempotency,
      refunds: dispatcher,
      attemptTimeoutMs,
      logger,
    }),
    refundService: new RefundService({
      database,
      payments,
      refunds,
      settlement,
      dispatcher,
      idempotency,
      mfaMaxAgeSeconds: settings.mfaMaxAgeSeconds,
    }),
    resolution: new AttemptResolution({ database, payments, attempts, outcomes, provider, refunds: dispatcher, attemptTimeoutMs, logger }),
  };
}
