import { randomUUID } from 'node:crypto';
import type { EventOrigin, Logger, ScheduledJob } from '#kit';
import type { IdempotencyStore } from '../idempotency/idempotency-store.js';
import type { SandboxProvider } from '../provider/sandbox-provider.js';
import type { RefundDispatcher } from '../refunds/refund-dispatch.js';
import type { RefundService } from '../refunds/refund-service.js';
import type { RefundStore } from '../refunds/refund-store.js';
import type { AttemptResolution } from './attempt-resolution.js';
import type { AttemptStore } from './attempt-store.js';
import type { PaymentStore } from './payment-store.js';

/** Items per run: a backlog is worked off over several runs rather than in one long one. */
const BATCH = 100;

/**
 * How long an answered idempotency key is replayed, as Stripe does. After it a
 * retry with the key starts afresh, which is still safe: payOrder and
 * refundPayment then recognise their own attempt or refund by the key.
 */
export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 3_600_000;

export interface PaymentJobDependencies {
  payments: PaymentStore;
  attempts: AttemptStore;
  refunds: RefundStore;
  resolution: AttemptResolution;
  dispatcher: RefundDispatcher;
  refundService: RefundService;
  idempotencyKeys: IdempotencyStore;
  /** The sandbox plays the Pix payer; absent with a real provider, whose payers are real. */
  sandbox?: SandboxProvider;
  logger: Logger;
}

export interface PaymentJobSettings {
  recoverySeconds: number;
  pixConfirmationSeconds: number;
  attemptTimeoutSeconds: number;
}

/** One correlation id per run, so the events of one run can be traced together. */
const runOrigin = (): EventOrigin => ({ source: 'payments', correlationId: randomUUID() });

/**
 * The subgraph's timed work. Every instance runs it; each step is safe side
 * by side with itself, with payOrder and with the consumers, because every
 * outcome is recorded under the payment's row lock and only from the state it
 * expects (see ChargeOutcomes), and the provider acts once per reference.
 */
export function paymentJobs(dependencies: PaymentJobDependencies, settings: PaymentJobSettings): ScheduledJob[] {
  const { payments, attempts, refunds, resolution, dispatcher, refundService, idempotencyKeys, sandbox, logger } = dependencies;
  const each = async (ids: string[], work: (id: string) => Promise<unknown>, what: string) => {
    for (const id of ids) {
      try {
        await work(id);
      } catch (error) {
        logger.error({ err: error, id }, `${what} failed; retried next run`);
      }
    }
  };
  const jobs: ScheduledJob[] = [
    {
      name: 'payments.recovery',
      intervalMs: settings.recoverySeconds * 1000,
      async run() {
        const origin = runOrigin();
        const abandonedBefore = new Date(Date.now() - settings.attemptTimeoutSeconds * 1000);
        await each(
          await attempts.needingLookup(abandonedBefore, BATCH),
          (id) => resolution.resolve(id, origin),
          'resolving a payment attempt',
        );
        await each(await refunds.pending(BATCH), (id) => dispatcher.dispatch(id, origin), 'sending a refund');
        await each(
          await payments.cancelledWithMoneyLeft(BATCH),
          (id) => refundService.refundCancelled(id, origin),
          'refunding a cancelled order',
        );
        await idempotencyKeys.purgeCompleted(new Date(Date.now() - IDEMPOTENCY_KEY_RETENTION_MS), 10 * BATCH);
      },
    },
  ];
  if (sandbox !== undefined) {
    jobs.push({
      name: 'payments.sandbox-pix-payer',
      intervalMs: settings.pixConfirmationSeconds * 1000,
      async run() {
        const origin = runOrigin();
        // As a provider's webhook would: each code the payer paid is confirmed at once.
        const paid = await sandbox.settleDuePix(settings.pixConfirmationSeconds);
        await each(paid, (attemptId) => resolution.resolve(attemptId, origin), 'confirming a Pix payment');
      },
    });
  }
  return jobs;
}
